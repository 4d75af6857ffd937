import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BackupVault } from 'aws-cdk-lib/aws-backup';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type StageConfig, removalPolicyOf } from '../config';
import { accessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { drBackupVaultName, drReplicaKeyAlias, type ReplicatedBucketPurpose, replicaBucketName } from '../naming';

export interface DrStorageStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The DR region's landing places, deployed before the primary region's stacks: the
 * vault that backups are copied into, the replicas of the data buckets, and the key of
 * the table and secret replicas.
 */
export class DrStorageStack extends Stack {
  readonly vault: BackupVault;
  readonly replicas: Record<ReplicatedBucketPurpose, Bucket>;
  /** Encrypts the DR replicas of the platform tables and of the shard groups' master secrets. */
  readonly replicaKey: Key;

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
        removalPolicy,
      }).bucket;
    this.replicas = {
      exports: replica('ExportsReplica', 'exports', config.retention.exportDays),
      reports: replica('ReportsReplica', 'reports', config.retention.reportDays),
    };
  }
}
