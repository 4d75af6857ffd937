import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { projectRoot } from './project';

/**
 * An App with the context of `cdk.json` (feature flags included), as the CLI would build
 * it: for tests and the local platform, which synthesize in-process.
 */
export function projectApp(options: { outdir: string; context?: Record<string, unknown> }): App {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return new App({ outdir: options.outdir, context: { ...cdkJson.context, ...options.context } });
}
