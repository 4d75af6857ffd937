import { z } from 'zod';

/**
 * What every function learns from its environment. The SchoolFunction construct sets
 * these on AWS; the local platform sets the same names.
 */
const runtimeSchema = z.object({
  CAMPUS_STAGE: z.string().min(1),
  CAMPUS_VERSION: z.string().min(1),
});

export type Runtime = { stage: string; version: string };

export function readRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const parsed = runtimeSchema.parse(env);
  return { stage: parsed.CAMPUS_STAGE, version: parsed.CAMPUS_VERSION };
}
