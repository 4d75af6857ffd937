import { Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Pass, StateMachine, DefinitionBody } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { addStage, type CampusCloudStacks, enableNag } from '../../lib/campus-cloud';
import { loadStageConfig } from '../../lib/config';
import { ApiRoutesStack } from '../../lib/stacks/api-routes.stack';
import { routeGroup } from '../../lambdas/api/route-contract';
import { bulkSendRateVariable } from '../../lambdas/shared/platform-variables';
import { ObservabilityStack } from '../../lib/stacks/observability.stack';
import { appLikeCli } from '../support/app';
import {
  idempotencyTable,
  integrationCallsTable,
  integrationClientsTable,
  liveConnectionsTable,
  scoringRunsTable,
  tenantDirectoryTable,
} from '../../lambdas/shared/tables';

const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

describe('a stage with a custom domain and a fixed account', () => {
  const app = appLikeCli();
  const stacks = addStage(
    app,
    loadStageConfig('dev', {
      account: '123456789012',
      web: { domainName: 'app.campus.example', certificateArn },
      messaging: { bulkSendsPerSecondPerSchool: 120 },
    }),
  );
  enableNag(app);
  // Synthesis itself must pass cdk-nag: without the default certificate, no TLS acknowledgement is made.
  app.synth();

  it('serves the domain with its certificate and TLS 1.2 at least', () => {
    Template.fromStack(stacks.web).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['app.campus.example'],
        ViewerCertificate: {
          AcmCertificateArn: certificateArn,
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
  });

  it("gives the bulk senders the stage's per-school rate, and no other function", () => {
    const withRate = Object.values(Template.fromStack(stacks.batch).findResources('AWS::Lambda::Function')).filter(
      (fn) =>
        (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment
          ?.Variables?.[bulkSendRateVariable] === '120',
    );
    expect(withRate).toHaveLength(1);
  });

  it('limits CORS to the web origin', () => {
    Template.fromStack(stacks.authApi).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.campus.example'] }),
    });
  });

  it('sends sign-in back to the domain', () => {
    Template.fromStack(stacks.web).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://app.campus.example/auth/callback'],
      LogoutURLs: ['https://app.campus.example/'],
    });
  });

  it('deploys every stack into the configured account', () => {
    for (const stack of [stacks.data, stacks.web, stacks.webFirewall, stacks.drStorage]) {
      expect(stack.account).toBe('123456789012');
    }
    expect(stacks.webFirewall.region).toBe('us-east-1');
  });

  it('tags every taggable resource of every stack with project and stage', () => {
    // Where each taggable type keeps its tags in CloudFormation.
    const tagsOf: Record<string, (p: any) => unknown> = {
      'AWS::Lambda::Function': (p) => p.Tags,
      'AWS::S3::Bucket': (p) => p.Tags,
      'AWS::IAM::Role': (p) => p.Tags,
      'AWS::KMS::Key': (p) => p.Tags,
      'AWS::Logs::LogGroup': (p) => p.Tags,
      'AWS::RDS::DBCluster': (p) => p.Tags,
      'AWS::SecretsManager::Secret': (p) => p.Tags,
      'AWS::EC2::VPC': (p) => p.Tags,
      'AWS::SNS::Topic': (p) => p.Tags,
      'AWS::CloudFront::Distribution': (p) => p.Tags,
      'AWS::DynamoDB::GlobalTable': (p) => p.Replicas?.[0]?.Tags,
      'AWS::Backup::BackupVault': (p) => p.BackupVaultTags,
      'AWS::Cognito::UserPool': (p) => p.UserPoolTags,
      'AWS::ApiGatewayV2::Api': (p) => p.Tags,
    };
    const untagged: string[] = [];
    const seen = new Set<string>();
    for (const stack of Object.values(stacks)) {
      if (!(stack instanceof Stack)) continue;
      const resources = Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; Properties?: any }
      >;
      // CloudFormation applies stack tags to every resource it creates.
      expect(stack.tags.tagValues(), stack.stackName).toMatchObject({ project: 'campus-cloud', stage: 'dev' });
      for (const [id, resource] of Object.entries(resources)) {
        const read = tagsOf[resource.Type];
        // CDK's custom-resource providers are raw resources that Tags.of() skips; the stack tags cover them.
        if (!read || id.startsWith('Custom')) continue;
        seen.add(resource.Type);
        const tags = read(resource.Properties ?? {});
        const pairs = Array.isArray(tags)
          ? Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))
          : ((tags ?? {}) as Record<string, string>);
        if (pairs.project !== 'campus-cloud' || pairs.stage !== 'dev')
          untagged.push(`${stack.stackName}/${id} (${resource.Type})`);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(tagsOf).sort());
    expect(untagged).toEqual([]);
  });
});

describe('observability hooks for later stacks', () => {
  it('alarms on any message in a dead-letter queue and on failed executions', () => {
    const app = appLikeCli();
    const producer = new Stack(app, 'Producer', { env: { region: 'eu-west-1' } });
    const api = new HttpApi(producer, 'Api');
    const dlq = new Queue(producer, 'Dlq');
    const machine = new StateMachine(producer, 'Machine', {
      definitionBody: DefinitionBody.fromChainable(new Pass(producer, 'Done')),
    });
    const observability = new ObservabilityStack(app, 'Obs', {
      env: { region: 'eu-west-1' },
      config: loadStageConfig('dev'),
      api,
      shardGroups: [],
    });
    observability.monitorDeadLetterQueue('reports', dlq);
    observability.monitorStateMachine('scoring', machine);
    const t = Template.fromStack(observability);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'campus-dev-dlq-reports-critical',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'campus-dev-sfn-scoring-failed-critical',
      MetricName: 'ExecutionsFailed',
      Threshold: 0,
    });
  });
});

describe('a protected route from the manifest', () => {
  it('gets the JWT authorizer, and its function may assume the tenant role only with a school tag', () => {
    const app = appLikeCli();
    const stacks = addStage(app, loadStageConfig('dev'));
    const routesStack = new ApiRoutesStack(app, 'ProtectedRoutes', {
      env: { region: 'eu-west-1' },
      config: stacks.config,
      api: stacks.authApi.api,
      issuerUrl: stacks.authApi.issuerUrl,
      clients: [stacks.web.webClient],
      tenantDataAccess: stacks.data.tenantDataAccess,
      tenantDirectory: stacks.data.tables[tenantDirectoryTable.logicalName]!,
      idempotencyTable: stacks.data.tables[idempotencyTable.logicalName]!,
      liveConnectionsTable: stacks.data.tables[liveConnectionsTable.logicalName]!,
      integrationClientsTable: stacks.data.tables[integrationClientsTable.logicalName]!,
      integrationCallsTable: stacks.data.tables[integrationCallsTable.logicalName]!,
      messaging: stacks.messaging,
      appOrigin: stacks.web.webOrigin,
      queue: (definition) => stacks.batch.queue(definition),
      exportsBucket: stacks.data.exportsBucket,
      exportsPolicies: stacks.data.exportsPolicies,
      reportsBucket: stacks.data.reportsBucket,
      reportsPolicies: stacks.data.reportsPolicies,
      scoringRun: stacks.batch.scoringRun.stateMachine,
      scoringRunsTable: stacks.data.tables[scoringRunsTable.logicalName]!,
      userPool: stacks.authApi.userPool,
      shardGroups: stacks.data.shardGroups,
      routeGroups: [
        routeGroup('lambdas/api/health/get-health.handler.ts', {
          protectedHealth: {
            method: 'GET',
            path: '/api/v1/school/health',
            access: ['school-admin'],
            summary: 'protected',
            response: { status: 200 },
          },
        }),
      ],
    });
    const t = Template.fromStack(routesStack);
    // It finds the school in the directory by key, and assumes the tenant role for its data.
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'dynamodb:GetItem', Effect: 'Allow' })]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CAMPUS_TENANT_ROLE_ARN: Match.anyValue() }) },
    });
    const authorizerId = Object.keys(t.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!;
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /api/v1/school/health',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizerId },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CAMPUS_SHARD_GROUP_CLUSTERS: Match.anyValue() }) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Condition: { Null: { 'aws:RequestTag/campus:school-id': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe.each(['dev', 'prod'])('a regional failover: %s served from the DR region', (stage) => {
  const app = appLikeCli();
  const config = loadStageConfig(stage, { activeRegion: 'dr' });
  const stacks = addStage(app, config);
  enableNag(app);
  // cdk-nag must pass for the failover layout too.
  const assembly = app.synth();

  it('moves the application stacks to the DR region and adopts the data tier there', () => {
    for (const stack of [
      stacks.authApi,
      stacks.web,
      stacks.apiRoutes,
      stacks.backup,
      stacks.observability,
      stacks.data,
    ]) {
      expect(stack.region, stack.stackName).toBe(config.drRegion);
    }
    expect(stacks.data.stackName).toBe(`campus-${stage}-data-failover`);
    const names = assembly.stacks.map((s) => s.stackName);
    expect(names).not.toContain(`campus-${stage}-data`);
    expect(stacks.webFirewall.region).toBe('us-east-1');
  });

  it('creates no database, table or data bucket: it adopts the replicas', () => {
    const t = Template.fromStack(stacks.data);
    t.resourceCountIs('AWS::RDS::DBCluster', 0);
    t.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    t.resourceCountIs('AWS::S3::Bucket', 2); // a fresh imports bucket and its access logs
  });

  it('lets handlers reach the DR clusters and the school secret replicas, still scoped by school', () => {
    const policies = JSON.stringify(Template.fromStack(stacks.data).findResources('AWS::IAM::Policy'));
    for (const group of config.shardGroups) expect(policies).toContain(`:cluster:campus-${stage}-${group.id}-dr`);
    expect(policies).toContain(`secretsmanager.${config.drRegion}.amazonaws.com`);
    expect(policies).toContain('${aws:PrincipalTag/campus:school-id}');
  });

  it('backs up in the DR region without copying into the lost one', () => {
    const plans = Template.fromStack(stacks.backup).findResources('AWS::Backup::BackupPlan');
    expect(Object.keys(plans).length).toBeGreaterThan(0);
    expect(JSON.stringify(plans)).not.toContain('CopyActions');
  });

  it('gives account-wide names (CloudFront, dashboards) no clash with the primary deployment', () => {
    const primaryApp = appLikeCli();
    const primaryStacks = addStage(primaryApp, loadStageConfig(stage));
    const accountWideNames = (s: CampusCloudStacks) => {
      const names: string[] = [];
      for (const stack of [s.web, s.observability]) {
        const json = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: any }>;
        for (const r of Object.values(json)) {
          const p = r.Properties ?? {};
          const name =
            p.ResponseHeadersPolicyConfig?.Name ?? p.OriginAccessControlConfig?.Name ?? p.Name ?? p.DashboardName;
          if (/CloudFront|Dashboard/.test(r.Type) && typeof name === 'string') names.push(`${r.Type} ${name}`);
        }
      }
      return names;
    };
    const failoverNames = accountWideNames(stacks);
    expect(failoverNames.length).toBeGreaterThanOrEqual(4);
    expect(failoverNames.filter((n) => accountWideNames(primaryStacks).includes(n))).toEqual([]);
  });

  it('gives school-route handlers the DR clusters', () => {
    const failoverApp = appLikeCli();
    const failoverStacks = addStage(failoverApp, config);
    const routesStack = new ApiRoutesStack(failoverApp, 'ProtectedRoutesDr', {
      env: { region: config.drRegion },
      config,
      api: failoverStacks.authApi.api,
      issuerUrl: failoverStacks.authApi.issuerUrl,
      clients: [failoverStacks.web.webClient],
      tenantDataAccess: failoverStacks.data.tenantDataAccess,
      tenantDirectory: failoverStacks.data.tables[tenantDirectoryTable.logicalName]!,
      idempotencyTable: failoverStacks.data.tables[idempotencyTable.logicalName]!,
      liveConnectionsTable: failoverStacks.data.tables[liveConnectionsTable.logicalName]!,
      integrationClientsTable: failoverStacks.data.tables[integrationClientsTable.logicalName]!,
      integrationCallsTable: failoverStacks.data.tables[integrationCallsTable.logicalName]!,
      messaging: failoverStacks.messaging,
      appOrigin: failoverStacks.web.webOrigin,
      queue: (definition) => failoverStacks.batch.queue(definition),
      exportsBucket: failoverStacks.data.exportsBucket,
      exportsPolicies: failoverStacks.data.exportsPolicies,
      reportsBucket: failoverStacks.data.reportsBucket,
      reportsPolicies: failoverStacks.data.reportsPolicies,
      scoringRun: failoverStacks.batch.scoringRun.stateMachine,
      scoringRunsTable: failoverStacks.data.tables[scoringRunsTable.logicalName]!,
      userPool: failoverStacks.authApi.userPool,
      shardGroups: failoverStacks.data.shardGroups,
      routeGroups: [
        routeGroup('lambdas/api/health/get-health.handler.ts', {
          school: {
            method: 'GET',
            path: '/api/v1/school',
            access: ['teacher'],
            summary: 'x',
            response: { status: 200 },
          },
        }),
      ],
    });
    // The route's function (the stack's other is the integrations' authorizer, which reads no school's data).
    const fn = Object.values(Template.fromStack(routesStack).findResources('AWS::Lambda::Function')).find(
      (resource: any) => resource.Properties.Environment.Variables.CAMPUS_SHARD_GROUP_CLUSTERS,
    ) as any;
    const clusters = JSON.stringify(fn.Properties.Environment.Variables.CAMPUS_SHARD_GROUP_CLUSTERS);
    for (const group of config.shardGroups) expect(clusters).toContain(`cluster:campus-${stage}-${group.id}-dr`);
  });
});
