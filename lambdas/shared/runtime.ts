import * as z from 'zod';
import { shardGroupClustersVariable, shardGroupsVariable } from './platform-variables';

export { shardGroupClustersVariable, shardGroupsVariable };

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

const clusterArn = z.string().regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[a-z][a-z0-9-]*$/);

/**
 * Shard group id → cluster ARN, the `resourceArn` of Data API calls. The tenant directory
 * stores only the shard group id, so after a regional failover the same records lead to
 * the DR clusters: only this variable changes.
 */
export function readShardGroupClusters(env: NodeJS.ProcessEnv = process.env): Readonly<Record<string, string>> {
  const raw = env[shardGroupClustersVariable];
  if (!raw) throw new Error(`${shardGroupClustersVariable} is not set.`);
  // Every request reads it: parse a value once.
  if (parsedClusters?.raw !== raw) {
    const clusters = z.record(z.string().regex(/^[a-z][a-z0-9]{1,11}$/), clusterArn).parse(JSON.parse(raw));
    parsedClusters = { raw, clusters: Object.freeze(clusters) };
  }
  return parsedClusters.clusters;
}

let parsedClusters: { raw: string; clusters: Readonly<Record<string, string>> } | undefined;

const shardGroupSetting = z.object({
  clusterArn,
  masterSecretArn: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/),
  maxSchools: z.number().int().positive(),
});

/** A shard group as the lifecycle workflows use it: where it is, how to administer it, how many schools fit. */
export interface ShardGroupSetting {
  readonly id: string;
  /** `resourceArn` of Data API calls. */
  readonly resourceArn: string;
  readonly masterSecretArn: string;
  readonly maxSchools: number;
}

/**
 * The shard groups of the stage, from the stage config through the workflow functions'
 * environment: adding a group or capacity is a config change and a deploy.
 */
export function readShardGroups(env: NodeJS.ProcessEnv = process.env): ShardGroupSetting[] {
  const raw = env[shardGroupsVariable];
  if (!raw) throw new Error(`${shardGroupsVariable} is not set.`);
  const parsed = z.record(z.string().regex(/^[a-z][a-z0-9]{1,11}$/), shardGroupSetting).parse(JSON.parse(raw));
  return Object.entries(parsed).map(([id, group]) => ({
    id,
    resourceArn: group.clusterArn,
    masterSecretArn: group.masterSecretArn,
    maxSchools: group.maxSchools,
  }));
}
