#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { addStage, enableNag } from '../lib/campus-cloud';
import { StageConfigError } from '../lib/config';
import { stagesFromContext } from '../lib/stage-context';

const app = new App();
try {
  for (const config of stagesFromContext(app)) addStage(app, config);
} catch (error) {
  if (error instanceof StageConfigError) {
    // A readable list of the bad fields instead of a stack trace.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
enableNag(app);
app.synth();
