import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BackupVault } from 'aws-cdk-lib/aws-backup';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { SecureBucket } from '../constructs/secure-bucket';
import { drBackupVaultName, type ReplicatedBucketPurpose, replicaBucketName } from '../naming';

export interface DrStorageStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The DR region's landing places, deployed before the primary region's stacks: the
 * vault that daily backups are copied into and the replicas of the data buckets.
 */
export class DrStorageStack extends Stack {
  readonly vault: BackupVault;
  readonly replicas: Record<ReplicatedBucketPurpose, Bucket>;

  constructor(scope: Construct, id: string, props: DrStorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const vaultKey = new Key(this, 'VaultKey', {
      description: `Campus Cloud ${config.name}: DR backup vault`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: drBackupVaultName(config),
      encryptionKey: vaultKey,
      removalPolicy,
    });

    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      removalPolicy,
      expireAfterDays: config.retention.accessLogDays,
    }).bucket;
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server access log target of the replica buckets; logging it to itself would loop.',
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
