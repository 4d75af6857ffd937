import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BackupVault } from 'aws-cdk-lib/aws-backup';
import { SecurityGroup, SubnetType, type Vpc } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnDBSubnetGroup } from 'aws-cdk-lib/aws-rds';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type StageConfig, removalPolicyOf } from '../config';
import { IsolatedVpc } from '../constructs/isolated-vpc';
import { accessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import {
  drBackupVaultName,
  drReplicaKeyAlias,
  drSubnetGroupName,
  type ReplicatedBucketPurpose,
  replicaBucketName,
} from '../naming';
import { retentionDays } from '../retention';

/** Where shard group clusters live in the DR region: secondaries now, restored clusters in a failover. */
export interface DrShardGroupNetwork {
  readonly vpc: Vpc;
  /** Named `<stage prefix>-dr-shard-groups`, so a restore job can name it too. */
  readonly subnetGroup: CfnDBSubnetGroup;
  readonly securityGroup: SecurityGroup;
  /** Encrypts DR cluster storage. */
  readonly storageKey: Key;
}

export interface DrStorageStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The DR region's landing places, deployed before the primary region's stacks: the
 * vault that backups are copied into, the replicas of the data buckets, and the key of
 * the table and secret replicas.
 */
/** Address range of the DR VPC. */
const drCidr = '10.41.0.0/16';

export class DrStorageStack extends Stack {
  readonly vault: BackupVault;
  readonly replicas: Record<ReplicatedBucketPurpose, Bucket>;
  /** Encrypts the DR replicas of the platform tables and of the shard groups' master secrets. */
  readonly replicaKey: Key;
  readonly shardGroupNetwork: DrShardGroupNetwork;

  constructor(scope: Construct, id: string, props: DrStorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    // Kept on stack deletion in every stage, like the primary vault: recovery points outlive stacks.
    const vaultKey = new Key(this, 'VaultKey', {
      description: `Campus Cloud ${config.name}: DR backup vault`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: drBackupVaultName(config),
      encryptionKey: vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.replicaKey = new Key(this, 'ReplicaKey', {
      description: `Campus Cloud ${config.name}: data replicated into the DR region (tables, secrets)`,
      alias: drReplicaKeyAlias(config),
      enableKeyRotation: true,
      removalPolicy,
    });

    // Every stage has it, so a shard group without a Global Database can be restored here too.
    const vpc = new IsolatedVpc(this, 'Network', {
      cidr: drCidr,
      availabilityZones: config.drAvailabilityZones,
      flowLogRetention: retentionDays(config.retention.logDays),
      removalPolicy,
    }).vpc;
    this.shardGroupNetwork = {
      vpc,
      subnetGroup: new CfnDBSubnetGroup(this, 'ShardGroupSubnets', {
        dbSubnetGroupName: drSubnetGroupName(config),
        dbSubnetGroupDescription: `Campus Cloud ${config.name}: shard group clusters in the DR region`,
        subnetIds: vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
      }),
      securityGroup: new SecurityGroup(this, 'ShardGroupSecurityGroup', {
        vpc,
        description: 'DR shard group clusters: reached through the Data API only, so no inbound rule',
        allowAllOutbound: false,
      }),
      storageKey: new Key(this, 'ShardGroupStorageKey', {
        description: `Campus Cloud ${config.name}: storage of shard group clusters in the DR region`,
        enableKeyRotation: true,
        removalPolicy,
      }),
    };

    const accessLogs = accessLogsBucket(this, 'AccessLogs', {
      removalPolicy,
      expireAfterDays: config.retention.accessLogDays,
      logsFrom: 'the replica buckets',
    });
    const replica = (id: string, purpose: ReplicatedBucketPurpose, expireAfterDays: number) =>
      new SecureBucket(this, id, {
        bucketName: replicaBucketName(config, purpose),
        accessLogs: { bucket: accessLogs, prefix: `${purpose}/` },
        expireAfterDays,
        // Deletions replicate as delete markers: the versions they hide go within a day, as in the primary.
        noncurrentVersionDays: 1,
        removalPolicy,
      }).bucket;
    this.replicas = {
      exports: replica('ExportsReplica', 'exports', config.retention.exportDays),
      reports: replica('ReportsReplica', 'reports', config.retention.reportDays),
    };
  }
}
