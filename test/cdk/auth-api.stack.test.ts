import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { roles } from '../../lambdas/shared/roles';
import { loadStageConfig } from '../../lib/config';
import { resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('auth & API stack (%s)', (stage) => {
  const config = loadStageConfig(stage);
  const t = template(`campus-${stage}-auth-api`);

  it("offers integrations OneRoster 1.2's scopes under the spec's own names, and the platform's", () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'https://purl.imsglobal.org/spec/or/v1p2/scope',
      Scopes: Match.arrayWith([
        Match.objectLike({ ScopeName: 'roster-core.readonly' }),
        Match.objectLike({ ScopeName: 'gradebook.createput' }),
      ]),
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'https://campus.cloud/scope',
      Scopes: [Match.objectLike({ ScopeName: 'webhooks.manage' })],
    });
  });

  it('has a user pool with an immutable school id, a strong password policy, optional MFA and threat protection', () => {
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'school_id', Mutable: false, AttributeDataType: 'String' })]),
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      UserPoolTier: 'PLUS',
      LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V3_0', LambdaArn: Match.anyValue() } },
      DeletionProtection: config.protectData ? 'ACTIVE' : 'INACTIVE',
    });
  });

  it('has one group per role', () => {
    const groups = resourcesOf(`campus-${stage}-auth-api`, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual([...roles].sort());
  });

  it('lets the token trigger read users of this pool only', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'cognito-idp:AdminGetUser',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          },
        ],
      },
    });
  });

  it('has a hosted sign-in domain from config', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: config.auth.domainPrefix });
  });

  it('has an HTTP API whose default stage throttles and writes access logs', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: config.api.throttleRateLimit,
        ThrottlingBurstLimit: config.api.throttleBurstLimit,
      }),
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
  });

  it('has no CORS without a custom domain: the app calls the API on its own origin', () => {
    const [, api] = resourcesOf(`campus-${stage}-auth-api`, 'AWS::ApiGatewayV2::Api')[0]!;
    expect(api.Properties?.CorsConfiguration).toBeUndefined();
  });
});
