import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { projectApp } from '../../lib/project-app';

/** An App with the same feature flags as `cdk.json`, writing to a temporary directory. */
export function appLikeCli(context: Record<string, unknown> = {}): App {
  return projectApp({ outdir: mkdtempSync(join(tmpdir(), 'campus-test-app-')), context });
}
