import { readRuntime } from './runtime';

/** Every platform resource of a stage is named `campus-<stage>-…`; the CDK stacks use the same rule. */
export function stagePrefixOf(stage: string): string {
  return `campus-${stage}`;
}

/** A platform table's or queue's physical name in the stage a function runs in. */
export function platformResourceName(logicalName: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${stagePrefixOf(readRuntime(env).stage)}-${logicalName}`;
}
