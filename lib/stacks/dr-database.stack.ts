import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  IpAddresses,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBCluster, CfnDBInstance, CfnDBSubnetGroup } from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import { type ShardGroupConfig, type StageConfig, stagePrefix } from '../config';
import { globalClusterIdentifier, shardGroupEngineVersion } from '../constructs/shard-group';
import { retentionDays } from '../retention';

export interface DrDatabaseStackProps extends StackProps {
  readonly config: StageConfig;
  /** The shard groups with `globalDatabase: true`. */
  readonly groups: readonly ShardGroupConfig[];
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
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.41.0.0/16'),
      availabilityZones: config.drAvailabilityZones,
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
    });
    vpc.addFlowLog('FlowLog', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: retentionDays(config.retention.logDays), removalPolicy }),
      ),
    });
    const subnetGroup = new CfnDBSubnetGroup(this, 'Subnets', {
      dbSubnetGroupDescription: `Campus Cloud ${config.name} DR shard group replicas`,
      subnetIds: vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const securityGroup = new SecurityGroup(this, 'ReplicaSecurityGroup', {
      vpc,
      description: 'Aurora Global Database secondaries: no inbound rule until a failover promotes them',
      allowAllOutbound: false,
    });
    const key = new Key(this, 'Key', {
      description: `Campus Cloud ${config.name}: DR shard group replicas`,
      enableKeyRotation: true,
      removalPolicy,
    });

    this.clusters = props.groups.map((group) => {
      const cluster = new CfnDBCluster(this, `Replica-${group.id}`, {
        dbClusterIdentifier: `${stagePrefix(config)}-${group.id}-dr`,
        globalClusterIdentifier: globalClusterIdentifier(config, group),
        engine: 'aurora-postgresql',
        engineVersion: shardGroupEngineVersion.auroraPostgresFullVersion,
        dbSubnetGroupName: subnetGroup.ref,
        vpcSecurityGroupIds: [securityGroup.securityGroupId],
        storageEncrypted: true,
        kmsKeyId: key.keyArn,
        enableIamDatabaseAuthentication: true,
        enableCloudwatchLogsExports: ['postgresql'],
        serverlessV2ScalingConfiguration: { minCapacity: group.minAcu, maxCapacity: group.maxAcu },
        backupRetentionPeriod: config.retention.databaseBackupDays,
        deletionProtection: config.protectData,
        copyTagsToSnapshot: true,
        port: 5432,
      });
      cluster.applyRemovalPolicy(removalPolicy);
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
