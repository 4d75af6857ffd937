import { Aws } from 'aws-cdk-lib';
import { type ShardGroupConfig, type StageConfig, stagePrefix } from './config';

/**
 * Names that stacks must agree on without a reference: across regions, before the
 * named stack exists, or across a failover, when the failover data stack adopts by name.
 */

/**
 * Stack names that other stacks must know before those stacks exist (for trust policies): the
 * tenant role trusts roles of `<prefix>-api-routes*`, so every routes stack is named under it.
 */
export function stackName(config: StageConfig, part: 'api-routes' | 'api-routes-integrations'): string {
  return `${stagePrefix(config)}-${part}`;
}

/** A platform table's or queue's physical name, e.g. `campus-dev-tenant-directory`; the same in every region. */
export function physicalName(config: StageConfig, logicalName: string): string {
  return `${stagePrefix(config)}-${logicalName}`;
}

/**
 * A shard group's cluster in the DR region: the Global Database secondary, or, for a
 * group without one, the cluster an operator restores there during a failover.
 */
export function drClusterIdentifier(config: StageConfig, group: ShardGroupConfig): string {
  return `${stagePrefix(config)}-${group.id}-dr`;
}

/** Backup vault in the DR region that snapshots are copied into. */
export function drBackupVaultName(config: StageConfig): string {
  return `${stagePrefix(config)}-dr-vault`;
}

/** ARN of the DR vault, built from its fixed name and the deploying account. */
export function drBackupVaultArn(config: StageConfig): string {
  return `arn:${Aws.PARTITION}:backup:${config.drRegion}:${Aws.ACCOUNT_ID}:backup-vault:${drBackupVaultName(config)}`;
}

/** DB subnet group of the DR region's shard group clusters. */
export function drSubnetGroupName(config: StageConfig): string {
  return `${stagePrefix(config)}-dr-shard-groups`;
}

/** Alias of the DR region's key for data replicated there (table replicas, secret replicas). */
export function drReplicaKeyAlias(config: StageConfig): string {
  return `alias/${stagePrefix(config)}-dr-replicas`;
}

/** The buckets whose objects are replicated to the DR region. */
export type ReplicatedBucketPurpose = 'exports' | 'reports';

/** Replica bucket name; bucket names are global, so the account id makes it unique. */
export function replicaBucketName(
  config: StageConfig,
  purpose: ReplicatedBucketPurpose,
  account: string = Aws.ACCOUNT_ID,
): string {
  return `${stagePrefix(config)}-${purpose}-replica-${account}`;
}

/** Prefix of every school's database secret name; onboarding creates `<prefix><school id>`. */
/** The master user's secret of a shard group's cluster (replicated to the DR region under the same name). */
export function shardGroupMasterSecretName(config: StageConfig, group: ShardGroupConfig): string {
  return `${stagePrefix(config)}/shard-groups/${group.id}/master`;
}

export function schoolSecretPrefix(config: StageConfig): string {
  return `${stagePrefix(config)}/schools/`;
}
