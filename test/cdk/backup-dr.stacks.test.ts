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
        BackupPlanName: `campus-${stage}-plan`,
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({
            RuleName: 'continuous-point-in-time',
            EnableContinuousBackup: true,
            Lifecycle: { DeleteAfterDays: config.retention.continuousBackupDays },
          }),
          Match.objectLike({
            RuleName: 'daily-snapshot-copied-to-dr',
            CopyActions: [
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
                Lifecycle: { DeleteAfterDays: config.retention.dailySnapshotDays },
              },
            ],
          }),
        ]),
      },
    });
  });

  it('selects every shard group cluster and platform table', () => {
    const [, selection] = resourcesOf(`campus-${stage}-backup`, 'AWS::Backup::BackupSelection')[0]!;
    const resources = selection.Properties!.BackupSelection.Resources as unknown[];
    expect(resources).toHaveLength(config.shardGroups.length + 3);
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
