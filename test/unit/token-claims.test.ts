import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { shapeTokenClaims } from '../../lambdas/auth/token-claims';

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
