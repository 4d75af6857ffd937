import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { projectRoot } from '../../lib/project';

/** An App with the same feature flags as `cdk.json`, writing to a temporary directory. */
export function appLikeCli(context: Record<string, unknown> = {}): App {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8'));
  return new App({
    outdir: mkdtempSync(join(tmpdir(), 'campus-test-app-')),
    context: { ...cdkJson.context, ...context },
  });
}
