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
import type { PlatformData, ShardGroupRef } from '../platform-data';

/** Hourly DR copies only bridge the gap to the next daily copy, so they are kept briefly. */
const hourlyCopyDays = 2;

export interface BackupStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: PlatformData;
  /**
   * Vault in the other region that snapshots are copied into. None while serving from the
   * DR region after a failover: the other region is the one that was lost.
   */
  readonly copyToVaultArn?: string;
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
  readonly plans: BackupPlan[] = [];

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    const vaultKey = new Key(this, 'VaultKey', {
      description: `Campus Cloud ${config.name}: primary backup vault`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Kept on stack deletion in every stage: a vault that holds recovery points cannot be
    // deleted, and backups outlive the stack by design. Delete a dev vault by hand.
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: `${stagePrefix(config)}-vault`,
      encryptionKey: vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const copyVault = props.copyToVaultArn
      ? BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn)
      : undefined;
    const copyTo = (days: number) =>
      copyVault ? { copyActions: [{ destinationBackupVault: copyVault, deleteAfter: Duration.days(days) }] } : {};

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
    const clusters = (groups: readonly ShardGroupRef[]) =>
      groups.map((group) => BackupResource.fromArn(group.clusterArn));
    const tables = Object.values(data.tables).map((table) => BackupResource.fromArn(table.tableArn));
    // Selections belong to a plan, not a rule, so each set of resources with its own rules is its own plan.
    const plan = (id: string, name: string, rules: BackupPlanRule[], resources: BackupResource[]) => {
      const created = new BackupPlan(this, id, {
        backupPlanName: `${stagePrefix(config)}-${name}`,
        backupVault: this.vault,
      });
      rules.forEach((rule) => created.addRule(rule));
      created.addSelection('Resources', { role: backupRole, resources });
      return created;
    };

    // Point-in-time recovery of every shard group (about 5 minutes of loss). DynamoDB is not
    // here: its PITR is the table's own, and AWS Backup has no continuous backup for it.
    this.plans.push(
      plan(
        'PointInTime',
        'point-in-time',
        [
          new BackupPlanRule({
            ruleName: 'continuous',
            enableContinuousBackup: true,
            deleteAfter: Duration.days(config.retention.continuousBackupDays),
            scheduleExpression: Schedule.cron({ minute: '0', hour: '*/1' }),
            startWindow: Duration.hours(1),
            completionWindow: Duration.hours(2),
          }),
        ],
        clusters(data.shardGroups),
      ),
    );
    // Daily snapshots of everything, kept long and copied to the DR region: these also
    // guard against a mistake that a Global Database would replicate.
    this.plans.push(
      plan(
        'Daily',
        'daily',
        [
          new BackupPlanRule({
            ruleName: 'daily-snapshot-copied-to-dr',
            scheduleExpression: Schedule.cron({ minute: '0', hour: '2' }),
            startWindow: Duration.hours(1),
            completionWindow: Duration.hours(4),
            deleteAfter: Duration.days(config.retention.dailySnapshotDays),
            ...copyTo(config.retention.dailySnapshotDays),
          }),
        ],
        [...clusters(data.shardGroups), ...tables],
      ),
    );
    // Shard groups without a Global Database reach the DR region only through copies:
    // copy hourly so that a lost region costs at most an hour (the RPO target).
    const withoutGlobalDatabase = data.shardGroups.filter((group) => !group.group.globalDatabase);
    if (withoutGlobalDatabase.length > 0 && copyVault) {
      this.plans.push(
        plan(
          'HourlyDrCopy',
          'hourly-dr-copy',
          [
            new BackupPlanRule({
              ruleName: 'hourly-snapshot-copied-to-dr',
              scheduleExpression: Schedule.cron({ minute: '30', hour: '*/1' }),
              startWindow: Duration.hours(1),
              completionWindow: Duration.hours(2),
              deleteAfter: Duration.days(hourlyCopyDays),
              ...copyTo(hourlyCopyDays),
            }),
          ],
          clusters(withoutGlobalDatabase),
        ),
      );
    }

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
