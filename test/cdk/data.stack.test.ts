import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { platformTables } from '../../lambdas/shared/tables';
import { loadStageConfig } from '../../lib/config';
import { resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('data stack (%s)', (stage) => {
  const config = loadStageConfig(stage);
  const t = template(`campus-${stage}-data`);

  it('has a VPC of isolated subnets only, with no NAT or internet gateway', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::InternetGateway', 0);
    t.resourceCountIs('AWS::EC2::Subnet', config.primaryAvailabilityZones.length);
    for (const [, subnet] of resourcesOf(`campus-${stage}-data`, 'AWS::EC2::Subnet')) {
      expect(subnet.Properties?.MapPublicIpOnLaunch).toBe(false);
    }
    t.hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC' });
  });

  it('has one Aurora Serverless v2 PostgreSQL 16 cluster per shard group, with the Data API, IAM auth and a CMK', () => {
    const clusters = resourcesOf(`campus-${stage}-data`, 'AWS::RDS::DBCluster');
    expect(clusters).toHaveLength(config.shardGroups.length);
    for (const group of config.shardGroups) {
      t.hasResourceProperties('AWS::RDS::DBCluster', {
        DBClusterIdentifier: `campus-${stage}-${group.id}`,
        Engine: 'aurora-postgresql',
        EngineVersion: Match.stringLikeRegexp('^16\\.'),
        EnableHttpEndpoint: true,
        EnableIAMDatabaseAuthentication: true,
        StorageEncrypted: true,
        KmsKeyId: Match.anyValue(),
        EnableCloudwatchLogsExports: ['postgresql'],
        BackupRetentionPeriod: config.retention.continuousBackupDays,
        DeletionProtection: config.protectData,
        ServerlessV2ScalingConfiguration: {
          MinCapacity: group.minAcu,
          MaxCapacity: group.maxAcu,
          ...(group.minAcu === 0 ? { SecondsUntilAutoPause: group.autoPauseSeconds } : {}),
        },
        DatabaseInsightsMode: config.databaseInsights,
        PerformanceInsightsEnabled: true,
      });
    }
    t.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  it('keeps the master secret encrypted with the CMK and rotating', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `campus-${stage}/shard-groups/${config.shardGroups[0]!.id}/master`,
      KmsKeyId: Match.anyValue(),
      ReplicaRegions: [
        {
          Region: config.drRegion,
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp('ReplicaKey')] },
        },
      ],
    });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: Match.stringLikeRegexp('secretsmanager'),
      PrivateDnsEnabled: true,
    });
  });

  it('retains stateful resources in protected stages and destroys them in disposable ones', () => {
    const expected = config.protectData ? 'Retain' : 'Delete';
    for (const type of ['AWS::RDS::DBCluster', 'AWS::DynamoDB::GlobalTable', 'AWS::KMS::Key']) {
      for (const [id, resource] of resourcesOf(`campus-${stage}-data`, type)) {
        expect(resource.DeletionPolicy, `${type} ${id}`).toBe(expected);
      }
    }
  });

  it('makes Global Database clusters exactly for the shard groups that ask for one', () => {
    const globals = resourcesOf(`campus-${stage}-data`, 'AWS::RDS::GlobalCluster');
    expect(globals).toHaveLength(config.shardGroups.filter((g) => g.globalDatabase).length);
    for (const [, global] of globals) {
      expect(global.Properties?.GlobalClusterIdentifier).toMatch(new RegExp(`^campus-${stage}-sg\\d+-global$`));
    }
  });

  it('creates every platform table from the shared definitions, with PITR and a CMK', () => {
    for (const definition of platformTables) {
      t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: `campus-${stage}-${definition.logicalName}`,
        KeySchema: [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
          ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: Match.arrayWith([
          Match.objectLike({
            Region: config.primaryRegion,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: Match.anyValue() },
          }),
        ]),
        ...(definition.timeToLiveAttribute
          ? { TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true } }
          : {}),
        ...(definition.globalIndexes.length
          ? {
              GlobalSecondaryIndexes: definition.globalIndexes.map((index) =>
                Match.objectLike({
                  IndexName: index.name,
                  KeySchema: [
                    { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
                    ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
                  ],
                }),
              ),
            }
          : {}),
      });
    }
  });

  it('has the tenant directory indexes that listing by status and by shard group need', () => {
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: `campus-${stage}-tenant-directory`,
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, Match.anyValue()],
        }),
        Match.objectLike({
          IndexName: 'byShardGroup',
          KeySchema: [{ AttributeName: 'shardGroupId', KeyType: 'HASH' }, Match.anyValue()],
        }),
      ],
    });
  });

  it('replicates every table to the DR region, encrypted there with the DR key', () => {
    for (const [id, table] of resourcesOf(`campus-${stage}-data`, 'AWS::DynamoDB::GlobalTable')) {
      const replicas = table.Properties!.Replicas as {
        Region: string;
        SSESpecification: { KMSMasterKeyId: unknown };
      }[];
      expect(replicas.map((r) => r.Region).sort(), id).toEqual([config.drRegion, config.primaryRegion].sort());
      const dr = replicas.find((r) => r.Region === config.drRegion)!;
      // The DR storage stack's key itself, read across regions, not an alias that could move.
      expect(JSON.stringify(dr.SSESpecification.KMSMasterKeyId)).toMatch(/ExportsReader.*ReplicaKey/);
    }
  });

  it('has versioned, logged, lifecycle-managed buckets, exports and reports replicated to the DR region', () => {
    const buckets = resourcesOf(`campus-${stage}-data`, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(4);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties?.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties?.LifecycleConfiguration?.Rules?.length, id).toBeGreaterThan(0);
    }
    const replicated = buckets.filter(([, b]) => b.Properties?.ReplicationConfiguration);
    expect(replicated).toHaveLength(2);
    for (const [, bucket] of replicated) {
      const rule = bucket.Properties!.ReplicationConfiguration.Rules[0];
      expect(JSON.stringify(rule.Destination.Bucket)).toMatch(/campus-[a-z]+-(exports|reports)-replica-/);
      expect(rule.DeleteMarkerReplication).toEqual({ Status: 'Enabled' });
    }
    const logged = buckets.filter(([, b]) => b.Properties?.LoggingConfiguration);
    expect(logged).toHaveLength(3);
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ ExpirationInDays: config.retention.importDays, Status: 'Enabled' }),
        ]),
      },
    });
  });

  it('gives each replication role a unique name', () => {
    const names = resourcesOf(`campus-${stage}-data`, 'AWS::IAM::Role').map(([, r]) => r.Properties?.RoleName);
    expect(names).not.toContain('CDKReplicationRole');
  });

  it('lets only the API routes stack’s roles assume the tenant role, and only with a school tag', () => {
    const [, role] = resourcesOf(`campus-${stage}-data`, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('TenantDataAccessRole'),
    )!;
    const statements = role.Properties!.AssumeRolePolicyDocument.Statement as Record<string, any>[];
    expect(statements).toHaveLength(1);
    const [trust] = statements;
    expect(trust!.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(JSON.stringify(trust!.Condition.ArnLike['aws:PrincipalArn'])).toContain(
      `:role/campus-${stage}-api-routes-*`,
    );
    expect(trust!.Condition.Null).toEqual({ 'aws:RequestTag/campus:school-id': 'false' });
  });

  it('scopes tenant data access to the shard group clusters and to secrets tagged with the caller’s school', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DataApiOnShardGroups',
            Action: Match.arrayWith(['rds-data:BeginTransaction', 'rds-data:ExecuteStatement']),
          }),
          Match.objectLike({
            Sid: 'OnlyTheTaggedSchoolsSecret',
            Action: 'secretsmanager:GetSecretValue',
            Condition: {
              StringEquals: { 'secretsmanager:ResourceTag/campus:school-id': '${aws:PrincipalTag/campus:school-id}' },
            },
          }),
        ]),
      },
    });
  });
});
