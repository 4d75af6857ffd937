import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ShardGroupConfig } from './config';
import type { SchoolObjectPolicies } from './constructs/school-object-policies';
import type { TenantDataAccess } from './constructs/tenant-data-access';

/** What the other stacks need of a shard group, whether made here or adopted after a failover. */
export interface ShardGroupRef {
  readonly group: ShardGroupConfig;
  /** `resourceArn` of every Data API call to this group. */
  readonly clusterArn: string;
  readonly clusterIdentifier: string;
  /** The cluster's master user, with which the lifecycle workflows create and drop school databases. */
  readonly masterSecret: ISecret;
}

/**
 * The data tier as the application stacks see it. The data stack makes it in the primary
 * region; the failover data stack adopts its replicas in the DR region.
 */
export interface PlatformData {
  readonly shardGroups: readonly ShardGroupRef[];
  /** Keyed by the table definitions' logical names. */
  readonly tables: Readonly<Record<string, ITableV2>>;
  readonly tenantDataAccess: TenantDataAccess;
  /** The key school secrets are encrypted with (in the DR region, the replicas' key). */
  readonly schoolSecretsKey: IKey;
  readonly exportsBucket: IBucket;
  readonly reportsBucket: IBucket;
  readonly importsBucket: IBucket;
  /** Policies over the exports bucket's school objects, for workers and handlers in other stacks. */
  readonly exportsPolicies: SchoolObjectPolicies;
  /** Policies over the reports bucket's school objects: the reports worker writes them, the API signs links. */
  readonly reportsPolicies: SchoolObjectPolicies;
}
