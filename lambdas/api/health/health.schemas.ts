import * as z from 'zod';

const component = z.object({
  /** `paused`: an Aurora cluster auto-paused, which resumes on the next call. */
  status: z.enum(['up', 'down', 'paused']),
  latencyMs: z.number(),
  detail: z.string().optional(),
});

/** The platform's health: each probed component (those the function was given targets for). */
export const healthReport = z.object({
  /** `degraded` when a probed component is down; the status code is then 503. */
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  stage: z.string(),
  time: z.iso.datetime(),
  components: z.partialRecord(
    z.enum(['postgres', 'dataApi', 'dynamodb', 'sqs', 'stepFunctions', 'objects']),
    component,
  ),
});
export type HealthReport = z.infer<typeof healthReport>;

/**
 * What the health check may probe, set by whoever deploys the function. A component
 * without a target is not reported: on AWS the shard groups are left out so that a
 * public health check never wakes an auto-paused cluster.
 */
export const healthTargetsVariable = 'CAMPUS_HEALTH_TARGETS';

export const healthTargets = z.object({
  tenantTable: z.string().optional(),
  bucket: z.string().optional(),
  queuePrefix: z.string().optional(),
  stateMachines: z.boolean().optional(),
  shardGroups: z.record(z.string(), z.object({ resourceArn: z.string(), secretArn: z.string() })).optional(),
});
export type HealthTargets = z.infer<typeof healthTargets>;
