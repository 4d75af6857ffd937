import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupVault,
  CfnRestoreTestingPlan,
  CfnRestoreTestingSelection,
} from 'aws-cdk-lib/aws-backup';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type StageConfig, stagePrefix } from '../config';
import { drBackupVaultArn } from '../naming';
import type { DataStack } from './data.stack';

export interface BackupStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: DataStack;
}

/**
 * AWS Backup for the primary region: continuous backup (point-in-time recovery) of the
 * shard groups, daily snapshots of clusters and tables copied to the DR region's vault,
 * and a weekly restore test that proves the snapshots restore.
 *
 * Targets: RPO ≤ 1 h (continuous backup: about 5 minutes), RTO ≤ 4 h (restore from the DR
 * vault); with Global Database the DR region holds a replica seconds behind (RPO ≤ 1 min).
 */
export class BackupStack extends Stack {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const removalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const vaultKey = new Key(this, 'VaultKey', {
      description: `Campus Cloud ${config.name}: primary backup vault`,
      enableKeyRotation: true,
      removalPolicy,
    });
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `${stagePrefix(config)}-vault`,
      encryptionKey: vaultKey,
      removalPolicy,
    });
    const drVault = BackupVault.fromBackupVaultArn(this, 'DrVault', drBackupVaultArn(config));

    this.plan = new BackupPlan(this, 'Plan', {
      backupPlanName: `${stagePrefix(config)}-plan`,
      backupVault: this.vault,
    });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'continuous-point-in-time',
        enableContinuousBackup: true,
        deleteAfter: Duration.days(config.retention.continuousBackupDays),
        scheduleExpression: Schedule.cron({ minute: '0', hour: '*/1' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(2),
      }),
    );
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'daily-snapshot-copied-to-dr',
        scheduleExpression: Schedule.cron({ minute: '0', hour: '2' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        deleteAfter: Duration.days(config.retention.dailySnapshotDays),
        copyActions: [
          { destinationBackupVault: drVault, deleteAfter: Duration.days(config.retention.dailySnapshotDays) },
        ],
      }),
    );

    // AWS Backup's own managed policies are the documented way to let it back up and restore these resource types.
    const backupRole = new Role(this, 'BackupRole', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(backupRole).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason: `${policy} is AWS Backup's own service-role policy, kept current by AWS as Backup supports new resource types.`,
      });
    }
    this.plan.addSelection('ShardGroupsAndTables', {
      role: backupRole,
      resources: [
        ...data.shardGroups.map((group) => BackupResource.fromArn(group.clusterArn)),
        ...Object.values(data.tables).map((table) => BackupResource.fromDynamoDbTable(table)),
      ],
    });

    const restoreTests = new CfnRestoreTestingPlan(this, 'RestoreTesting', {
      restoreTestingPlanName: `${stagePrefix(config)}_restore_tests`.replace(/-/g, '_'),
      scheduleExpression: 'cron(0 5 ? * SAT *)',
      startWindowHours: 4,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [this.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays: 7,
      },
    });
    new CfnRestoreTestingSelection(this, 'RestoreTestShardGroups', {
      restoreTestingPlanName: restoreTests.restoreTestingPlanName,
      restoreTestingSelectionName: 'shard_groups',
      protectedResourceType: 'Aurora',
      iamRoleArn: backupRole.roleArn,
      protectedResourceArns: data.shardGroups.map((group) => group.clusterArn),
      validationWindowHours: 2,
    }).addResourceDependency(restoreTests);
    new CfnRestoreTestingSelection(this, 'RestoreTestTables', {
      restoreTestingPlanName: restoreTests.restoreTestingPlanName,
      restoreTestingSelectionName: 'platform_tables',
      protectedResourceType: 'DynamoDB',
      iamRoleArn: backupRole.roleArn,
      protectedResourceArns: Object.values(data.tables).map((table) => table.tableArn),
      validationWindowHours: 2,
    }).addResourceDependency(restoreTests);
  }
}
