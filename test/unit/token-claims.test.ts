import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { integrationVerdict } from '../../lambdas/auth/integration-tokens';
import { shapeClientCredentialsClaims, shapeTokenClaims } from '../../lambdas/auth/token-claims';
import { fullScope, type IntegrationScopeName } from '../../lambdas/shared/integration-scopes';

function event(groups: string[], attributes: Record<string, string> = {}): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'someone',
    callerContext: { awsSdkVersion: 'x', clientId: 'client' },
    request: { userAttributes: attributes, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [] } },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

// Cognito's AdminGetUser cannot run here: the MFA lookup port is a stand-in that records its calls.
function mfaLookupStandIn(enabled: boolean) {
  const calls: string[] = [];
  const lookup = async (pool: string, user: string) => {
    calls.push(`${pool}/${user}`);
    return enabled;
  };
  return { lookup, calls };
}

describe('token claims trigger (Cognito MFA lookup stood in)', () => {
  it('withholds the operator role from a user without MFA, keeping their other groups', async () => {
    const mfa = mfaLookupStandIn(false);
    const result = await shapeTokenClaims(event(['platform-operator', 'teacher']), mfa.lookup);
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual(['teacher']);
    expect(mfa.calls).toEqual(['eu-west-1_pool/someone']);
  });

  it('keeps the operator role when MFA is enabled', async () => {
    const result = await shapeTokenClaims(event(['platform-operator']), mfaLookupStandIn(true).lookup);
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual([
      'platform-operator',
    ]);
  });

  it('does not look MFA up for school roles', async () => {
    const mfa = mfaLookupStandIn(false);
    const result = await shapeTokenClaims(event(['teacher'], { 'custom:school_id': 'sch_9' }), mfa.lookup);
    expect(mfa.calls).toEqual([]);
    expect(result.response.claimsAndScopeOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual(['teacher']);
  });

  it('copies the school id into the access token', async () => {
    const result = await shapeTokenClaims(
      event(['bursar'], { 'custom:school_id': 'sch_9' }),
      mfaLookupStandIn(false).lookup,
    );
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      'custom:school_id': 'sch_9',
    });
  });
});

describe("token claims trigger, integrations' client credentials (the clients table stood in)", () => {
  const v3 = (clientId: string) =>
    ({
      ...event([]),
      version: '3',
      triggerSource: 'TokenGeneration_ClientCredentials',
      callerContext: { awsSdkVersion: 'x', clientId },
    }) as unknown as PreTokenGenerationV2TriggerEvent;
  const clients = new Map([
    ['active-client', { schoolId: 'sch_a', integrationId: 'int-1', status: 'active' as const }],
    ['revoked-client', { schoolId: 'sch_a', integrationId: 'int-2', status: 'revoked' as const }],
  ]);
  const lookup = async (clientId: string) => clients.get(clientId);

  it("puts the client's school and integration in its access token", async () => {
    const shaped = await shapeClientCredentialsClaims(v3('active-client'), lookup);
    expect(shaped.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      'custom:school_id': 'sch_a',
      'campus:integration_id': 'int-1',
    });
  });

  it('gives no token to a revoked client or one that is no integration', async () => {
    await expect(shapeClientCredentialsClaims(v3('revoked-client'), lookup)).rejects.toThrow(
      /not an active integration/,
    );
    await expect(shapeClientCredentialsClaims(v3('stranger'), lookup)).rejects.toThrow(/not an active integration/);
  });
});

describe("integrations' authorizer verdict", () => {
  const client = {
    clientId: 'c1',
    schoolId: 'sch_a',
    integrationId: 'int-1',
    scopes: ['roster-core.readonly', 'gradebook.readonly'] as IntegrationScopeName[],
    status: 'active' as const,
    notBefore: 1_000,
    requestsPerMinute: 60,
  };
  const claims = {
    token_use: 'access',
    client_id: 'c1',
    iat: 2_000,
    scope: `${fullScope('roster-core.readonly')} ${fullScope('gradebook.createput')}`,
    'custom:school_id': 'sch_a',
    'campus:integration_id': 'int-1',
  };

  it('lets an active client of the token’s school through with the scopes both hold', () => {
    expect(integrationVerdict(claims, client)).toEqual({
      schoolId: 'sch_a',
      integrationId: 'int-1',
      clientId: 'c1',
      scopes: 'roster-core.readonly',
      requestsPerMinute: 60,
    });
  });

  it.each([
    ['a revoked client', claims, { ...client, status: 'revoked' as const }],
    ['an unknown client', claims, undefined],
    ['another school', { ...claims, 'custom:school_id': 'sch_b' }, client],
    ['another integration', { ...claims, 'campus:integration_id': 'int-9' }, client],
    ['a token from before the last rotation', { ...claims, iat: 999 }, client],
    ['an ID token', { ...claims, token_use: 'id' }, client],
    ['no scope the client holds', { ...claims, scope: fullScope('gradebook.createput') }, client],
  ])('refuses %s', (_name, tokenClaims, registered) => {
    expect(integrationVerdict(tokenClaims, registered)).toBeUndefined();
  });
});
