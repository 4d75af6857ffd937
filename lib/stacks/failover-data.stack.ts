import { Stack, type StackProps } from 'aws-cdk-lib';
import { type ITableV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { DatabaseCluster } from 'aws-cdk-lib/aws-rds';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { platformTables } from '../../lambdas/shared/tables';
import { removalPolicyOf, type StageConfig } from '../config';
import { accessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { type SchoolObjectPolicies, schoolObjectPolicies } from '../constructs/school-object-policies';
import { nagAccountParameter } from '../nag';
import { TenantDataAccess } from '../constructs/tenant-data-access';
import {
  drClusterIdentifier,
  physicalName,
  replicaBucketName,
  schoolSecretPrefix,
  shardGroupMasterSecretName,
  stackName,
} from '../naming';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { PlatformData, ShardGroupRef } from '../platform-data';

export interface FailoverDataStackProps extends StackProps {
  readonly config: StageConfig;
  /** The DR region's key, which encrypts the table and secret replicas there. */
  readonly replicaKey: IKey;
}

/**
 * The data tier after a regional failover, in the DR region. It makes nothing stateful:
 * it adopts what replication left there (promoted or restored clusters named
 * `<stage>-<group>-dr`, global table replicas, replica buckets) and gives the
 * application stacks the same view of it as the data stack gives in normal times.
 */
export class FailoverDataStack extends Stack implements PlatformData {
  readonly shardGroups: ShardGroupRef[];
  readonly tables: Record<string, ITableV2>;
  readonly tenantDataAccess: TenantDataAccess;
  readonly schoolSecretsKey: IKey;
  readonly exportsBucket: IBucket;
  readonly reportsBucket: IBucket;
  readonly importsBucket: IBucket;
  readonly exportsPolicies: SchoolObjectPolicies;
  readonly reportsPolicies: SchoolObjectPolicies;

  constructor(scope: Construct, id: string, props: FailoverDataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.shardGroups = config.shardGroups.map((group) => {
      const cluster = DatabaseCluster.fromDatabaseClusterAttributes(this, `ShardGroup-${group.id}`, {
        clusterIdentifier: drClusterIdentifier(config, group),
      });
      // The master secret's replica here has the same name; its ARN suffix is not known, so it is found by name.
      const masterSecret = Secret.fromSecretNameV2(
        this,
        `ShardGroupMaster-${group.id}`,
        shardGroupMasterSecretName(config, group),
      );
      return { group, clusterArn: cluster.clusterArn, clusterIdentifier: cluster.clusterIdentifier, masterSecret };
    });
    this.tables = Object.fromEntries(
      platformTables.map((definition) => [
        definition.logicalName,
        TableV2.fromTableAttributes(this, `Table-${definition.logicalName}`, {
          tableName: physicalName(config, definition.logicalName),
          encryptionKey: props.replicaKey,
        }),
      ]),
    );
    this.schoolSecretsKey = props.replicaKey;
    this.tenantDataAccess = new TenantDataAccess(this, 'TenantDataAccess', {
      schoolSecretPrefix: schoolSecretPrefix(config),
      clusterArns: this.shardGroups.map((group) => group.clusterArn),
      // School secrets are read from their replicas here, which this key encrypts.
      secretsKey: props.replicaKey,
      trustedRoleNamePrefixes: [`${stackName(config, 'api-routes')}-`],
    });

    this.exportsBucket = Bucket.fromBucketName(this, 'Exports', replicaBucketName(config, 'exports'));
    this.reportsBucket = Bucket.fromBucketName(this, 'Reports', replicaBucketName(config, 'reports'));
    this.exportsPolicies = schoolObjectPolicies(
      this,
      'Exports',
      this.exportsBucket,
      `arn:aws:s3:::${replicaBucketName(config, 'exports', nagAccountParameter)}`,
    );
    this.reportsPolicies = schoolObjectPolicies(
      this,
      'Reports',
      this.reportsBucket,
      `arn:aws:s3:::${replicaBucketName(config, 'reports', nagAccountParameter)}`,
    );
    // Uploads waiting for import are transient and not replicated: a fresh bucket takes new ones.
    const removalPolicy = removalPolicyOf(config);
    this.importsBucket = new SecureBucket(this, 'Imports', {
      accessLogs: {
        bucket: accessLogsBucket(this, 'AccessLogs', {
          removalPolicy,
          expireAfterDays: config.retention.accessLogDays,
          logsFrom: 'the imports bucket',
        }),
        prefix: 'imports/',
      },
      expireAfterDays: config.retention.importDays,
      noncurrentVersionDays: 1,
      removalPolicy,
    }).bucket;
  }
}
