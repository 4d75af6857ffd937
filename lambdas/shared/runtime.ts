import * as z from 'zod';

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

/** Name of the variable that maps shard group ids to their clusters' ARNs. */
export const shardGroupClustersVariable = 'CAMPUS_SHARD_GROUP_CLUSTERS';

const clusterArn = z.string().regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]*$/);

/**
 * Shard group id → cluster ARN, the `resourceArn` of Data API calls. The tenant directory
 * stores only the shard group id, so after a regional failover the same records lead to
 * the DR clusters: only this variable changes.
 */
export function readShardGroupClusters(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env[shardGroupClustersVariable];
  if (!raw) throw new Error(`${shardGroupClustersVariable} is not set.`);
  return z.record(z.string().regex(/^[a-z][a-z0-9]{1,11}$/), clusterArn).parse(JSON.parse(raw));
}
