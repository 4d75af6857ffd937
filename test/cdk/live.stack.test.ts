import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('live stack (%s)', (stage) => {
  const name = `campus-${stage}-live`;

  it('is a WebSocket API whose connect, disconnect and default routes run one function, the default one answering', () => {
    const t = template(name);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: `campus-${stage}-live`, ProtocolType: 'WEBSOCKET' });
    const routes = resourcesOf(name, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey as string);
    expect(routes.sort()).toEqual(['$connect', '$default', '$disconnect']);
    const integrations = resourcesOf(name, 'AWS::ApiGatewayV2::Integration').map(([, i]) =>
      JSON.stringify(i.Properties?.IntegrationUri),
    );
    expect(integrations).toHaveLength(3);
    expect(new Set(integrations.map((uri) => /liveconnections\w+/.exec(uri)?.[0])).size).toBe(1);
    t.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 1);
    // The stage is `/live`, as CloudFront routes it, with access logs and throttling.
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'live',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue() }),
    });
  });

  it('lets the connections function put and delete live items by key, and pushers post to this API’s connections only', () => {
    const [, fnPolicy] = resourcesOf(name, 'AWS::IAM::Policy').find(([id]) => id.startsWith('liveconnections'))!;
    const statements = fnPolicy.Properties?.PolicyDocument.Statement as { Action: string | string[] }[];
    const actions = statements.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
    ]);

    const [, push] = resourcesOf(name, 'AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('PushPolicy'))!;
    const document = push.Properties?.PolicyDocument as { Statement: { Action: string; Resource: unknown }[] };
    expect(document.Statement.map((s) => s.Action).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'execute-api:ManageConnections',
    ]);
    const manage = JSON.stringify(
      document.Statement.find((s) => s.Action === 'execute-api:ManageConnections')!.Resource,
    );
    expect(manage).toMatch(/"Ref":"Api\w+"/);
    expect(manage).toContain('/live/POST/@connections/*');
    expect(JSON.stringify(document.Statement.find((s) => s.Action === 'dynamodb:Query')!.Resource)).toContain(
      '/index/bySchool',
    );
  });

  it('gives the push policy and the callback URL to the dispatcher and the sweep, and tickets to the notifications API', () => {
    const roles = resourcesOf(`campus-${stage}-batch`, 'AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties?.ManagedPolicyArns ?? []).includes('PushPolicy'),
    );
    expect(roles.map(([id]) => id.replace(/Role.*/, '')).sort()).toEqual([
      'notificationsdispatch',
      'notificationssweep',
    ]);
    const functions = resourcesOf(`campus-${stage}-batch`, 'AWS::Lambda::Function').filter(([, fn]) =>
      JSON.stringify(fn.Properties?.Environment ?? {}).includes('CAMPUS_LIVE_CALLBACK_URL'),
    );
    expect(functions).toHaveLength(2);

    const routes = resourcesOf(`campus-${stage}-api-routes`, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties?.PolicyDocument).toLowerCase().includes('liveconnections'),
    );
    expect(routes.map(([id]) => id.replace(/Role.*/, ''))).toEqual(['apinotificationsnotifications']);
  });

  it('is served at /live on the app’s origin, uncached, with the viewer’s query string and headers', () => {
    const [, distribution] = resourcesOf(`campus-${stage}-web`, 'AWS::CloudFront::Distribution')[0]!;
    const config = distribution.Properties?.DistributionConfig as {
      CacheBehaviors: { PathPattern: string; TargetOriginId: string; CachePolicyId: string }[];
      Origins: { Id: string; DomainName: unknown }[];
    };
    const live = config.CacheBehaviors.find((b) => b.PathPattern === '/live')!;
    expect(live).toBeDefined();
    const origin = config.Origins.find((o) => o.Id === live.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toMatch(/execute-api/);
    expect(JSON.stringify(origin.DomainName)).toMatch(/live/);
    // CachingDisabled, AllViewerExceptHostHeader.
    expect(live.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect((live as unknown as { OriginRequestPolicyId: string }).OriginRequestPolicyId).toBe(
      'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    );
  });
});
