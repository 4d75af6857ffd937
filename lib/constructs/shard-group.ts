import { Duration, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { ShardGroupRef } from '../platform-data';
import {
  AuroraPostgresEngineVersion,
  CfnGlobalCluster,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  DatabaseInsightsMode,
  PerformanceInsightRetention,
} from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { type ShardGroupConfig, type StageConfig, stagePrefix, removalPolicyOf } from '../config';
import { retentionDays } from '../retention';
import { shardGroupMasterSecretName } from '../naming';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** The engine of every shard group and of its Global Database secondaries. */
export const shardGroupEngineVersion = AuroraPostgresEngineVersion.VER_16_9;

/** Global cluster identifier of a shard group, fixed so the DR region's stack can join it by name. */
export function globalClusterIdentifier(config: StageConfig, group: ShardGroupConfig): string {
  return `${stagePrefix(config)}-${group.id}-global`;
}

export interface ShardGroupProps {
  readonly config: StageConfig;
  readonly group: ShardGroupConfig;
  readonly vpc: IVpc;
  /** The DR region's key, for the master secret's replica there. */
  readonly drReplicaKey: IKey;
}

/**
 * A shard group: one Aurora Serverless v2 PostgreSQL cluster, reached through the RDS
 * Data API, holding up to `maxSchools` school databases. Storage and the master secret
 * are encrypted with the group's own customer-managed key; the master secret rotates.
 */
export class ShardGroup extends Construct implements ShardGroupRef {
  readonly cluster: DatabaseCluster;
  readonly key: Key;
  readonly group: ShardGroupConfig;
  readonly globalCluster?: CfnGlobalCluster;

  constructor(scope: Construct, id: string, props: ShardGroupProps) {
    super(scope, id);
    const { config, group } = props;
    this.group = group;
    const removalPolicy = removalPolicyOf(config);
    const advancedInsights = config.databaseInsights === 'advanced';

    this.key = new Key(this, 'Key', {
      description: `Campus Cloud ${config.name} shard group ${group.id}: storage and master secret`,
      enableKeyRotation: true,
      removalPolicy,
    });

    const insightsRetention = advancedInsights
      ? PerformanceInsightRetention.MONTHS_15
      : PerformanceInsightRetention.DEFAULT;
    const clusterIdentifier = `${stagePrefix(config)}-${group.id}`;
    // Made here rather than with cloudwatchLogsRetention, which would add a log-retention Lambda.
    const postgresLogs = new LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: retentionDays(config.retention.logDays),
      removalPolicy,
    });

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      clusterIdentifier,
      engine: DatabaseClusterEngine.auroraPostgres({ version: shardGroupEngineVersion }),
      writer: ClusterInstance.serverlessV2('writer', {
        publiclyAccessible: false,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.key,
        performanceInsightRetention: insightsRetention,
      }),
      serverlessV2MinCapacity: group.minAcu,
      serverlessV2MaxCapacity: group.maxAcu,
      ...(group.minAcu === 0 ? { serverlessV2AutoPauseDuration: Duration.seconds(group.autoPauseSeconds) } : {}),
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      enableDataApi: true,
      iamAuthentication: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      credentials: Credentials.fromGeneratedSecret('campus_admin', {
        encryptionKey: this.key,
        secretName: shardGroupMasterSecretName(config, group),
        // A copy in the DR region, so a promoted secondary can be reached with the same credentials.
        replicaRegions: [
          {
            region: config.drRegion,
            encryptionKey: props.drReplicaKey,
          },
        ],
      }),
      defaultDatabaseName: 'campus',
      cloudwatchLogsExports: ['postgresql'],
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.key,
      databaseInsightsMode: advancedInsights ? DatabaseInsightsMode.ADVANCED : DatabaseInsightsMode.STANDARD,
      performanceInsightRetention: insightsRetention,
      backup: { retention: Duration.days(config.retention.continuousBackupDays), preferredWindow: '01:00-02:00' },
      preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
      deletionProtection: config.protectData,
      removalPolicy,
      copyTagsToSnapshot: true,
    });

    this.cluster.node.addDependency(postgresLogs);
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason:
        'Nothing connects over the network: handlers use the Data API, and the port is reachable only from the rotation function inside the VPC.',
    });
    if (!config.protectData) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason:
          'Deletion protection is off only in stages with protectData false (dev), which are disposable by design; prod turns it on.',
      });
    }

    // The rotation function runs in the isolated subnets and reaches Secrets Manager through the VPC endpoint.
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    });

    if (group.globalDatabase) {
      this.globalCluster = new CfnGlobalCluster(this, 'Global', {
        globalClusterIdentifier: globalClusterIdentifier(config, group),
        sourceDbClusterIdentifier: this.cluster.clusterArn,
        deletionProtection: config.protectData,
      });
      this.globalCluster.applyRemovalPolicy(removalPolicy);
    }
  }

  /** ARN of the cluster, the `resourceArn` of every Data API call to this group. */
  get clusterArn(): string {
    return this.cluster.clusterArn;
  }

  get clusterIdentifier(): string {
    return this.cluster.clusterIdentifier;
  }

  get masterSecret(): ISecret {
    return this.cluster.secret!;
  }
}
