import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runCdk } from './cdk-cli';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Cloud assembly of every shipped stage, written by the real CLI with no credentials. */
    assemblyDir: string;
    synthSeconds: number;
    synthOutput: string;
  }
}

/** Synthesizes the whole app once for every test file, through `cdk synth` itself. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'campus-assembly-'));
  const run = runCdk(['synth', '--quiet', '--no-notices', '-o', dir]);
  if (run.status !== 0) {
    throw new Error(`cdk synth failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  project.provide('assemblyDir', dir);
  project.provide('synthSeconds', run.seconds);
  project.provide('synthOutput', `${run.stdout}\n${run.stderr}`);
  return () => rmSync(dir, { recursive: true, force: true });
}
