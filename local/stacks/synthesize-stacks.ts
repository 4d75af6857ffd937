import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { TemplateJson } from '../../lib/cloud-assembly';
import { projectApp } from '../../lib/project-app';
import type { SynthesizedStack } from '../step-functions/template-values';

/** Adds the stacks the local platform runs: their functions, roles, state machines and schedules. */
export type AddStacks = (app: App) => void;

/**
 * Synthesizes the given stacks in-process, as `cdk synth` would but without bundling
 * (the local platform imports the handlers' sources), and returns their templates.
 */
export function synthesizeStacks(addStacks: AddStacks): SynthesizedStack[] {
  const outdir = mkdtempSync(join(tmpdir(), 'campus-local-stacks-'));
  try {
    // An empty list of bundling stacks skips esbuild for every function.
    const app = projectApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    addStacks(app);
    return app
      .synth()
      .stacks.map((stack) => ({ stackName: stack.stackName, template: stack.template as TemplateJson }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
