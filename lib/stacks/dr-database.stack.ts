import { Stack, type StackProps } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBCluster, CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { type ShardGroupConfig, type StageConfig, removalPolicyOf } from '../config';
import { globalClusterIdentifier, shardGroupEngineVersion } from '../constructs/shard-group';
import { drClusterIdentifier } from '../naming';
import type { DrShardGroupNetwork } from './dr-storage.stack';
import { retentionDays } from '../retention';

export interface DrDatabaseStackProps extends StackProps {
  readonly config: StageConfig;
  /** The shard groups with `globalDatabase: true`. */
  readonly groups: readonly ShardGroupConfig[];
  /** Where DR clusters live: the DR storage stack's network. */
  readonly network: DrShardGroupNetwork;
}

/**
 * Aurora Global Database secondaries in the DR region, one per shard group that enables
 * it. Deployed after the data stack, which creates each global cluster from its primary.
 * A secondary has no master credentials of its own: it replicates the primary's.
 */
export class DrDatabaseStack extends Stack {
  readonly clusters: CfnDBCluster[];

  constructor(scope: Construct, id: string, props: DrDatabaseStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    const { network } = props;

    this.clusters = props.groups.map((group) => {
      const dbClusterIdentifier = drClusterIdentifier(config, group);
      // Made here so RDS does not create it without retention when it starts exporting logs.
      const logs = new LogGroup(this, `Replica-${group.id}-logs`, {
        logGroupName: `/aws/rds/cluster/${dbClusterIdentifier}/postgresql`,
        retention: retentionDays(config.retention.logDays),
        removalPolicy,
      });
      const cluster = new CfnDBCluster(this, `Replica-${group.id}`, {
        dbClusterIdentifier,
        globalClusterIdentifier: globalClusterIdentifier(config, group),
        engine: 'aurora-postgresql',
        engineVersion: shardGroupEngineVersion.auroraPostgresFullVersion,
        dbSubnetGroupName: network.subnetGroup.ref,
        vpcSecurityGroupIds: [network.securityGroup.securityGroupId],
        storageEncrypted: true,
        kmsKeyId: network.storageKey.keyArn,
        enableIamDatabaseAuthentication: true,
        enableCloudwatchLogsExports: ['postgresql'],
        serverlessV2ScalingConfiguration: { minCapacity: group.minAcu, maxCapacity: group.maxAcu },
        backupRetentionPeriod: config.retention.continuousBackupDays,
        deletionProtection: config.protectData,
        copyTagsToSnapshot: true,
        port: 5432,
      });
      cluster.applyRemovalPolicy(removalPolicy);
      cluster.node.addDependency(logs);
      const writer = new CfnDBInstance(this, `Replica-${group.id}-instance`, {
        dbClusterIdentifier: cluster.ref,
        dbInstanceClass: 'db.serverless',
        engine: 'aurora-postgresql',
        publiclyAccessible: false,
      });
      writer.applyRemovalPolicy(removalPolicy);
      return cluster;
    });
  }
}
