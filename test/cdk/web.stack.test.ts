import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { cloudFrontFunctionOf } from '../../local/gateway/cloudfront-function';
import { resourcesOf, template, templateJson } from '../support/assembly';

describe.each(['dev', 'prod'])('web stack (%s)', (stage) => {
  const t = template(`campus-${stage}-web`);
  const distribution = () =>
    resourcesOf(`campus-${stage}-web`, 'AWS::CloudFront::Distribution')[0]![1].Properties!.DistributionConfig;

  it('serves a private bucket through Origin Access Control', () => {
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    const s3Origin = distribution().Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('falls back to index.html for app routes with a viewer-request function on the default behaviour only', () => {
    const config = distribution();
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      expect.objectContaining({ EventType: 'viewer-request' }),
    ]);
    // Error-page rewrites would also turn API 403/404s into index.html.
    expect(config.CustomErrorResponses).toBeUndefined();
    // The API's behaviour has its own function (the version alias), never the SPA fallback.
    const api = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api.FunctionAssociations).toHaveLength(1);
    expect(api.FunctionAssociations[0].FunctionARN).not.toEqual(
      config.DefaultCacheBehavior.FunctionAssociations[0].FunctionARN,
    );
  });

  it('serves the unversioned API paths as v1 aliases with the synthesized viewer-request function itself', () => {
    const api = distribution().CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    const logicalId = api.FunctionAssociations[0].FunctionARN['Fn::GetAtt'][0];
    const fn = templateJson(`campus-${stage}-web`).Resources[logicalId]!;
    expect(fn.Properties!.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const handler = cloudFrontFunctionOf<
      { request: { uri: string; headers: Record<string, { value: string }> } },
      { uri: string; headers: Record<string, { value: string }> }
    >(fn.Properties!.FunctionCode as string);
    const run = (uri: string, headers: Record<string, { value: string }> = {}) =>
      handler({ request: { uri, headers } });
    expect(run('/api/students/abc')).toEqual({
      uri: '/api/v1/students/abc',
      headers: { 'campus-api-alias': { value: 'unversioned' } },
    });
    expect(run('/api/v1/students', { 'campus-api-alias': { value: 'forged' } })).toEqual({
      uri: '/api/v1/students',
      headers: {},
    });
    for (const kept of [
      '/api/health',
      '/api/versions',
      '/api/invitations/s1/m1',
      '/api/notifications/unsubscribe/s1/m1',
    ]) {
      expect(run(kept).uri, kept).toBe(kept);
    }
    // The API's answers name their version; the edge names it on those the gateway gives itself.
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CustomHeadersConfig: { Items: [{ Header: 'api-version', Value: 'v1', Override: false }] },
      }),
    });
  });

  it('sends /api/* to the HTTP API uncached, with every method and the viewer’s headers', () => {
    const api = distribution().CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']));
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    const origin = distribution().Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain('execute-api');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it("sends OneRoster's /ims/* to the same HTTP API uncached, without the platform API's version alias", () => {
    const api = distribution().CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    const ims = distribution().CacheBehaviors.find((b: any) => b.PathPattern === '/ims/*');
    expect(ims.TargetOriginId).toBe(api.TargetOriginId);
    expect(ims.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(ims.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'PUT']));
    expect(ims.ViewerProtocolPolicy).toBe('https-only');
    expect(ims.FunctionAssociations).toBeUndefined();
  });

  it('sends security headers: HSTS, CSP, nosniff, frame denial, referrer policy', () => {
    t.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: Match.objectLike({
            AccessControlMaxAgeSec: 63072000,
            IncludeSubdomains: true,
            Override: true,
          }),
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.anyValue(), Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
        },
      },
    });
    const [, policy] = resourcesOf(`campus-${stage}-web`, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const csp = JSON.stringify(
      policy.Properties!.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy,
    );
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      'connect-src',
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).toContain('.amazoncognito.com');
  });

  it('logs access, redirects to HTTPS and sits behind the us-east-1 web ACL', () => {
    const config = distribution();
    expect(config.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    // A cross-region reference reads the web ACL ARN written by the us-east-1 stack.
    expect(JSON.stringify(config.WebACLId)).toContain('Fn::GetAtt');
    const json = JSON.stringify(templateJson(`campus-${stage}-web`));
    expect(json).toContain('Custom::CrossRegionExportReader');
  });

  it('has the SPA app client: authorization code only, no secret, callback on this distribution', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
      CallbackURLs: [
        { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.anyValue(), 'DomainName'] }, '/auth/callback']] },
      ],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('deploys the built web app with its runtime config and invalidates the cache', () => {
    t.hasResourceProperties('Custom::CDKBucketDeployment', {
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
      DistributionPaths: ['/*'],
      Prune: true,
    });
    const deployment = resourcesOf(`campus-${stage}-web`, 'Custom::CDKBucketDeployment')[0]![1];
    expect(deployment.Properties?.SourceObjectKeys).toHaveLength(2);
  });
});
