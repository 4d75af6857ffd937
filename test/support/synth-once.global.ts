import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../lib/project';
import { envWithoutAwsCredentials } from './cdk-cli';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Cloud assembly of every shipped stage, written by the real CLI with no credentials. */
    assemblyDir: string;
    synthSeconds: number;
    synthOutput: string;
  }
}

/**
 * Synthesizes the whole app once for every test file, through `npm run synth` itself
 * (into a temporary directory rather than cdk.out), with no AWS credentials.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'campus-assembly-'));
  const started = performance.now();
  const run = spawnSync('npm', ['run', '--silent', 'synth', '--', '-o', dir], {
    cwd: projectRoot,
    env: envWithoutAwsCredentials(),
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0) {
    throw new Error(`npm run synth failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  project.provide('assemblyDir', dir);
  project.provide('synthSeconds', (performance.now() - started) / 1000);
  project.provide('synthOutput', `${run.stdout}\n${run.stderr}`);
  return () => rmSync(dir, { recursive: true, force: true });
}
