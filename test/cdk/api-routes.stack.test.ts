import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { isIntegrationAccess } from '../../lambdas/api/route-contract';
import { routeGroups, routeKey, routes } from '../../lambdas/api/routes';
import { apiFunctionDescription } from '../../lib/api-functions';
import { loadStageConfig } from '../../lib/config';
import { resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('API routes stacks (%s)', (stage) => {
  const name = `campus-${stage}-api-routes`;
  /** The people's routes' stack and the integrations' standards' (OneRoster), which shares its authorizers. */
  const both = [name, `${name}-integrations`];
  const resourcesOfBoth = (type: string) => both.flatMap((stack) => resourcesOf(stack, type));

  it('has exactly the routes of the route manifest, each with the authorizer its access rule needs', () => {
    const authorizers = resourcesOf(name, 'AWS::ApiGatewayV2::Authorizer');
    const kindOf = new Map(
      authorizers.map(([id, a]) => [id, a.Properties!.AuthorizerType === 'JWT' ? 'cognito' : 'integrations']),
    );
    // The second stack refers to the first's authorizers through its exports, named after them.
    const authorizerKind = (id: { Ref?: string; 'Fn::ImportValue'?: string } | undefined) =>
      id?.Ref
        ? kindOf.get(id.Ref)
        : id?.['Fn::ImportValue']
          ? [...kindOf].find(([logicalId]) => id['Fn::ImportValue']!.includes(logicalId))?.[1]
          : undefined;
    const synthesized = resourcesOfBoth('AWS::ApiGatewayV2::Route')
      .map(([, r]) => ({
        key: r.Properties?.RouteKey as string,
        authorization: r.Properties?.AuthorizationType as string,
        authorizer: authorizerKind(r.Properties?.AuthorizerId),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    const expected = routes
      .map((route) => ({
        key: routeKey(route),
        authorization: route.access === 'public' ? 'NONE' : isIntegrationAccess(route.access) ? 'CUSTOM' : 'JWT',
        authorizer:
          route.access === 'public' ? undefined : isIntegrationAccess(route.access) ? 'integrations' : 'cognito',
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(synthesized).toEqual(expected);
    expect(authorizers).toHaveLength(2);
    expect(resourcesOf(`${name}-integrations`, 'AWS::ApiGatewayV2::Authorizer')).toHaveLength(0);
  });

  it("puts OneRoster's routes in a stack of their own, each stack well within CloudFormation's 500 resources", () => {
    const keysOf = (stack: string) =>
      resourcesOf(stack, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties?.RouteKey as string);
    expect(keysOf(`${name}-integrations`).every((key) => / \/ims\/oneroster\//.test(key))).toBe(true);
    expect(keysOf(name).some((key) => key.includes('/ims/'))).toBe(false);
    for (const stack of both) {
      const count = Object.keys(template(stack).toJSON().Resources as object).length;
      expect(count, stack).toBeLessThan(480);
    }
  });

  it('verifies Cognito JWTs issued to the web app client', () => {
    const [, authorizer] = resourcesOf(name, 'AWS::ApiGatewayV2::Authorizer').find(
      ([, a]) => a.Properties!.AuthorizerType === 'JWT',
    )!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const jwt = authorizer.Properties!.JwtConfiguration;
    expect(JSON.stringify(jwt.Issuer)).toContain('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(jwt.Audience).toHaveLength(1);
    expect(JSON.stringify(jwt.Audience)).toMatch(/WebAppClient/);
  });

  it("checks integrations' tokens with a Lambda authorizer on every call (no cache), which only reads clients by key", () => {
    const [, authorizer] = resourcesOf(name, 'AWS::ApiGatewayV2::Authorizer').find(
      ([, a]) => a.Properties!.AuthorizerType === 'REQUEST',
    )!;
    expect(authorizer.Properties).toMatchObject({
      IdentitySource: ['$request.header.Authorization'],
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      AuthorizerResultTtlInSeconds: 0,
    });
    const policies = JSON.stringify(
      resourcesOf(name, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('authintegrationauthorizer')),
    );
    expect(policies).toContain('dynamodb:GetItem');
    expect(policies).not.toMatch(/dynamodb:(PutItem|UpdateItem|Query|Scan)/);
    template(name).hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  it('integrates each route with a Lambda proxy (payload 2.0)', () => {
    const integrations = resourcesOfBoth('AWS::ApiGatewayV2::Integration');
    expect(integrations.length).toBe(new Set(routes.map((r) => r.handler)).size);
    for (const [, integration] of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    }
  });

  it('builds one function per handler module, named after it', () => {
    const functions = resourcesOfBoth('AWS::Lambda::Function');
    // One per handler module, and the integrations' authorizer.
    expect(functions).toHaveLength(new Set(routes.map((r) => r.handler)).size + 1);
    expect(functions.map(([id]) => id).some((id) => id.startsWith('apihealthgethealth'))).toBe(true);
    template(name).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { CAMPUS_STAGE: stage, POWERTOOLS_SERVICE_NAME: 'campus-api' } },
    });
  });

  it("gives each function its group's timeout and memory, or the stage's API defaults", () => {
    const functions = resourcesOfBoth('AWS::Lambda::Function').map(([, fn]) => fn.Properties!);
    const config = loadStageConfig(stage);
    for (const group of routeGroups) {
      const fn = functions.find((p) => p.Description === apiFunctionDescription(group));
      expect(fn, group.handler).toBeDefined();
      expect(fn!.Timeout).toBe(group.function.timeoutSeconds ?? config.api.functionTimeoutSeconds);
      expect(fn!.MemorySize).toBe(group.function.memorySize ?? 512);
    }
    expect(functions.filter((p) => p.Timeout === 29).length).toBe(3);
  });

  it('lets only the payments function write idempotency records, by key', () => {
    const writers = resourcesOf(name, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties?.PolicyDocument).toLowerCase().includes('idempotency'),
    );
    expect(writers).toHaveLength(1);
    const [, policy] = writers[0]!;
    expect(JSON.stringify(policy.Properties?.Roles)).toMatch(/apifeespayments/);
    const statement = (policy.Properties!.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]).find(
      (s) => JSON.stringify(s.Action).includes('dynamodb:PutItem'),
    )!;
    expect([...(statement.Action as string[])].sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(statement.Resource)).toMatch(/idempotency/i);
  });
});
