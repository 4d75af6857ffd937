import { Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Pass, StateMachine, DefinitionBody } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { addStage, enableNag } from '../../lib/campus-cloud';
import { loadStageConfig } from '../../lib/config';
import { ApiRoutesStack } from '../../lib/stacks/api-routes.stack';
import { ObservabilityStack } from '../../lib/stacks/observability.stack';
import { appLikeCli } from '../support/app';

const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

describe('a stage with a custom domain and a fixed account', () => {
  const app = appLikeCli();
  const stacks = addStage(
    app,
    loadStageConfig('dev', { account: '123456789012', web: { domainName: 'app.campus.example', certificateArn } }),
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
    const untagged: string[] = [];
    let checked = 0;
    for (const stack of Object.values(stacks)) {
      if (!(stack instanceof Stack)) continue;
      const resources = Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; Properties?: any }
      >;
      for (const [id, resource] of Object.entries(resources)) {
        const tags = resource.Properties?.Tags ?? resource.Properties?.Replicas?.[0]?.Tags;
        if (tags === undefined) continue;
        checked++;
        const pairs = Array.isArray(tags)
          ? Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))
          : tags;
        if (pairs.project !== 'campus-cloud' || pairs.stage !== 'dev') untagged.push(`${stack.stackName}/${id}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
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
      routes: [
        {
          method: 'GET',
          path: '/api/school/health',
          handler: 'lambdas/api/health/get-health.handler.ts',
          access: ['school-admin'],
          summary: 'protected',
        },
      ],
    });
    const t = Template.fromStack(routesStack);
    const authorizerId = Object.keys(t.findResources('AWS::ApiGatewayV2::Authorizer'))[0]!;
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /api/school/health',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizerId },
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

  it('keeps dashboards of the two regions apart', () => {
    Template.fromStack(stacks.observability).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `campus-${stage}-platform-${config.drRegion}`,
    });
  });
});
