import { Match } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { assemblyDir, resourcesOf, stackNames, template } from '../support/assembly';

const environmentOf = (stack: string) =>
  JSON.parse(readFileSync(join(assemblyDir(), 'manifest.json'), 'utf8')).artifacts[stack].environment as string;

describe.each(['dev', 'prod'])('backup and DR (%s)', (stage) => {
  const config = loadStageConfig(stage);

  it('has a CMK-encrypted vault in the primary region and one in the DR region', () => {
    template(`campus-${stage}-backup`).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: `campus-${stage}-vault`,
      EncryptionKeyArn: Match.anyValue(),
    });
    template(`campus-${stage}-dr-storage`).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: `campus-${stage}-dr-vault`,
      EncryptionKeyArn: Match.anyValue(),
    });
    expect(environmentOf(`campus-${stage}-backup`)).toMatch(new RegExp(`/${config.primaryRegion}$`));
    expect(environmentOf(`campus-${stage}-dr-storage`)).toMatch(new RegExp(`/${config.drRegion}$`));
  });

  it('backs up continuously and copies daily snapshots into the DR vault', () => {
    const t = template(`campus-${stage}-backup`);
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: `campus-${stage}-point-in-time`,
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'continuous',
            EnableContinuousBackup: true,
            Lifecycle: { DeleteAfterDays: config.retention.continuousBackupDays },
          }),
        ],
      },
    });
    const drCopy = (days: number) => [
      {
        DestinationBackupVaultArn: {
          'Fn::Join': [
            '',
            Match.arrayWith([
              Match.stringLikeRegexp(`:backup:${config.drRegion}:`),
              Match.stringLikeRegexp(`campus-${stage}-dr-vault$`),
            ]),
          ],
        },
        Lifecycle: { DeleteAfterDays: days },
      },
    ];
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: `campus-${stage}-daily`,
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'daily-snapshot-copied-to-dr',
            CopyActions: drCopy(config.retention.dailySnapshotDays),
          }),
        ],
      },
    });
    if (config.shardGroups.some((g) => !g.globalDatabase)) {
      t.hasResourceProperties('AWS::Backup::BackupPlan', {
        BackupPlan: {
          BackupPlanName: `campus-${stage}-hourly-dr-copy`,
          BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(30 */1 * * ? *)', CopyActions: drCopy(2) })],
        },
      });
    }
  });

  const selections = () =>
    Object.fromEntries(
      resourcesOf(`campus-${stage}-backup`, 'AWS::Backup::BackupSelection').map(([, s]) => {
        const plan = JSON.stringify(s.Properties!.BackupPlanId);
        const name = /PointInTime|Daily|HourlyDrCopy/.exec(plan)![0];
        return [name, JSON.stringify(s.Properties!.BackupSelection.Resources)];
      }),
    );

  it('backs up every shard group continuously, and no table (their PITR is DynamoDB’s own)', () => {
    const resources = selections().PointInTime!;
    for (const group of config.shardGroups) expect(resources).toContain(`ShardGroup${group.id}Cluster`);
    // Tables arrive as imports of the data stack's `Table…Arn` outputs.
    expect(resources).not.toMatch(/Table/);
  });

  it('snapshots every shard group and platform table daily', () => {
    const resources = selections().Daily!;
    for (const group of config.shardGroups) expect(resources).toContain(`ShardGroup${group.id}Cluster`);
    for (const table of ['tenant-directory', 'idempotency', 'scoring-runs'])
      expect(resources).toContain(`Table${table}`.replace(/-/g, ''));
  });

  it('copies hourly to DR only the shard groups without a Global Database', () => {
    const without = config.shardGroups.filter((g) => !g.globalDatabase);
    const hourly = selections().HourlyDrCopy;
    if (without.length === 0) return expect(hourly).toBeUndefined();
    for (const group of without) expect(hourly).toContain(`ShardGroup${group.id}Cluster`);
  });

  it('tests restores weekly, for the clusters and the tables', () => {
    const t = template(`campus-${stage}-backup`);
    t.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: Match.stringLikeRegexp('^cron\\('),
      RecoveryPointSelection: Match.objectLike({ Algorithm: 'LATEST_WITHIN_WINDOW' }),
    });
    const types = resourcesOf(`campus-${stage}-backup`, 'AWS::Backup::RestoreTestingSelection').map(
      ([, r]) => r.Properties?.ProtectedResourceType,
    );
    expect(types.sort()).toEqual(['Aurora', 'DynamoDB']);
  });

  it('has replica buckets in the DR region named as the data stack expects', () => {
    const names = resourcesOf(`campus-${stage}-dr-storage`, 'AWS::S3::Bucket')
      .map(([, b]) => JSON.stringify(b.Properties?.BucketName ?? ''))
      .filter((n) => n.includes('replica'));
    expect(names).toHaveLength(2);
    expect(names.join()).toContain(`campus-${stage}-exports-replica-`);
    expect(names.join()).toContain(`campus-${stage}-reports-replica-`);
  });

  it('puts a Global Database secondary in the DR region for each shard group that enables it', () => {
    const global = config.shardGroups.filter((g) => g.globalDatabase);
    const drDatabase = `campus-${stage}-dr-database`;
    if (global.length === 0) {
      expect(stackNames()).not.toContain(drDatabase);
      return;
    }
    expect(environmentOf(drDatabase)).toMatch(new RegExp(`/${config.drRegion}$`));
    for (const group of global) {
      template(drDatabase).hasResourceProperties('AWS::RDS::DBCluster', {
        GlobalClusterIdentifier: `campus-${stage}-${group.id}-global`,
        Engine: 'aurora-postgresql',
        StorageEncrypted: true,
        KmsKeyId: Match.anyValue(),
        MasterUsername: Match.absent(),
        ServerlessV2ScalingConfiguration: { MinCapacity: group.minAcu, MaxCapacity: group.maxAcu },
      });
    }
    template(drDatabase).resourceCountIs('AWS::EC2::NatGateway', 0);
  });
});
