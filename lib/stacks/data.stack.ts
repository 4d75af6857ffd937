import { type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { InterfaceVpcEndpointAwsService, Peer, SubnetType, type Vpc } from 'aws-cdk-lib/aws-ec2';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type KeyDefinition, platformTables, type TableDefinition } from '../../lambdas/shared/tables';
import { type StageConfig, removalPolicyOf } from '../config';
import { accessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { type SchoolObjectPolicies, schoolObjectPolicies } from '../constructs/school-object-policies';
import { IsolatedVpc } from '../constructs/isolated-vpc';
import { ShardGroup } from '../constructs/shard-group';
import { TenantDataAccess } from '../constructs/tenant-data-access';
import type { PlatformData } from '../platform-data';
import {
  type ReplicatedBucketPurpose,
  replicaBucketName,
  schoolSecretPrefix,
  stackName,
  physicalName,
} from '../naming';
import { acknowledgeWildcards, nagAccountParameter, nagArnOf } from '../nag';
import { retentionDays } from '../retention';

/** Address range of the primary VPC (isolated subnets only). */
const primaryCidr = '10.40.0.0/16';

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  /** The DR region's key for the table and secret replicas there. */
  readonly drReplicaKey: IKey;
}

/**
 * Everything stateful in the primary region: the network the shard groups live in,
 * the shard groups, the platform tables and the data buckets.
 */
export class DataStack extends Stack implements PlatformData {
  readonly vpc: Vpc;
  readonly shardGroups: ShardGroup[];
  readonly tables: Record<TableDefinition['logicalName'], TableV2>;
  readonly tableKey: Key;
  /** Encrypts each school's database secret; the tenant access role may decrypt through Secrets Manager only. */
  readonly schoolSecretsKey: Key;
  readonly accessLogsBucket: Bucket;
  readonly exportsBucket: Bucket;
  readonly reportsBucket: Bucket;
  readonly importsBucket: Bucket;
  readonly exportsPolicies: SchoolObjectPolicies;
  readonly reportsPolicies: SchoolObjectPolicies;
  readonly tenantDataAccess: TenantDataAccess;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    // Lambdas reach the clusters through the Data API, so the network needs no way out.
    this.vpc = new IsolatedVpc(this, 'Network', {
      cidr: primaryCidr,
      availabilityZones: config.primaryAvailabilityZones,
      flowLogRetention: retentionDays(config.retention.logDays),
      removalPolicy,
    }).vpc;
    // The secret rotation functions run in the VPC and need Secrets Manager without a NAT gateway.
    const secretsEndpoint = this.vpc.addInterfaceEndpoint('SecretsManager', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
    secretsEndpoint.connections.allowDefaultPortFrom(Peer.ipv4(primaryCidr), 'HTTPS from inside the VPC only');

    this.shardGroups = config.shardGroups.map(
      (group) =>
        new ShardGroup(this, `ShardGroup-${group.id}`, {
          config,
          group,
          vpc: this.vpc,
          drReplicaKey: props.drReplicaKey,
        }),
    );

    this.tableKey = new Key(this, 'TableKey', {
      description: `Campus Cloud ${config.name}: platform tables`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.schoolSecretsKey = new Key(this, 'SchoolSecretsKey', {
      description: `Campus Cloud ${config.name}: per-school database secrets`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.tenantDataAccess = new TenantDataAccess(this, 'TenantDataAccess', {
      schoolSecretPrefix: schoolSecretPrefix(config),
      clusterArns: this.shardGroups.map((group) => group.clusterArn),
      secretsKey: this.schoolSecretsKey,
      trustedRoleNamePrefixes: [`${stackName(config, 'api-routes')}-`],
    });
    this.tables = Object.fromEntries(
      platformTables.map((definition) => [
        definition.logicalName,
        this.createTable(config, definition, removalPolicy, props.drReplicaKey),
      ]),
    );

    this.accessLogsBucket = accessLogsBucket(this, 'AccessLogs', {
      removalPolicy,
      expireAfterDays: config.retention.accessLogDays,
      logsFrom: 'the exports, reports and imports buckets',
    });
    const logsTo = (prefix: string) => ({ bucket: this.accessLogsBucket, prefix: `${prefix}/` });
    // A removed file (a downloaded export, an erased student's reports) leaves no old version for more than a day.
    this.exportsBucket = this.replicatedBucket('Exports', 'exports', config, {
      accessLogs: logsTo('exports'),
      noncurrentVersionDays: 1,
      expireAfterDays: config.retention.exportDays,
      infrequentAccessAfterDays: 30,
      removalPolicy,
    });
    this.reportsBucket = this.replicatedBucket('Reports', 'reports', config, {
      accessLogs: logsTo('reports'),
      noncurrentVersionDays: 1,
      expireAfterDays: config.retention.reportDays,
      infrequentAccessAfterDays: 90,
      removalPolicy,
    });
    this.importsBucket = new SecureBucket(this, 'Imports', {
      accessLogs: logsTo('imports'),
      expireAfterDays: config.retention.importDays,
      noncurrentVersionDays: 1,
      removalPolicy,
    }).bucket;
    this.exportsPolicies = schoolObjectPolicies(
      this,
      'Exports',
      this.exportsBucket,
      nagArnOf(this.exportsBucket.node.defaultChild as CfnBucket),
    );
    this.reportsPolicies = schoolObjectPolicies(
      this,
      'Reports',
      this.reportsBucket,
      nagArnOf(this.reportsBucket.node.defaultChild as CfnBucket),
    );
  }

  private createTable(
    config: StageConfig,
    definition: TableDefinition,
    removalPolicy: RemovalPolicy,
    drReplicaKey: IKey,
  ): TableV2 {
    const key = (k: KeyDefinition) => ({
      name: k.name,
      type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
    });
    return new TableV2(this, `Table-${definition.logicalName}`, {
      tableName: physicalName(config, definition.logicalName),
      partitionKey: key(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: key(definition.sortKey) } : {}),
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
      })),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      billing: Billing.onDemand(),
      // A global table: the DR region holds a live replica, seconds behind.
      replicas: [{ region: config.drRegion }],
      encryption: TableEncryptionV2.customerManagedKey(this.tableKey, {
        [config.drRegion]: drReplicaKey.keyArn,
      }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.protectData,
      removalPolicy,
    });
  }

  /** A data bucket whose objects are copied to its replica in the DR region (the DR storage stack makes it). */
  private replicatedBucket(
    id: string,
    purpose: ReplicatedBucketPurpose,
    config: StageConfig,
    props: ConstructorParameters<typeof SecureBucket>[2],
  ): Bucket {
    const replica: IBucket = Bucket.fromBucketAttributes(this, `${id}Replica`, {
      bucketName: replicaBucketName(config, purpose),
      region: config.drRegion,
    });
    const bucket = new SecureBucket(this, id, {
      ...props,
      extra: { replicationRules: [{ destination: replica, priority: 1, deleteMarkerReplication: true }] },
    }).bucket;
    acknowledgeWildcards(
      bucket.node.findChild('ReplicationRole'),
      {
        resources: [
          `${nagArnOf(bucket.node.defaultChild as CfnBucket)}/*`,
          // The replica name uses the AWS::AccountId pseudo parameter even when the stage sets an account.
          `arn:aws:s3:::${replicaBucketName(config, purpose, nagAccountParameter)}/*`,
        ],
      },
      'S3 replication reads every object version of the source bucket and writes it to the replica, so it needs all objects of exactly those two buckets.',
    );
    return bucket;
  }
}
