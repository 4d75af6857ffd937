import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { mfaRequiredRoles } from '../shared/roles';

/** Port: whether a user has a second factor enabled (Cognito's AdminGetUser on AWS). */
export type MfaLookup = (userPoolId: string, userName: string) => Promise<boolean>;

/**
 * Shapes the tokens Cognito is about to issue:
 * - roles that require MFA are dropped unless the user has MFA enabled, so an operator
 *   without a second factor signs in as nobody until they enrol one;
 * - the immutable `custom:school_id` is copied into the access token, which is what the
 *   web app sends to the API.
 */
export async function shapeTokenClaims(
  event: PreTokenGenerationV2TriggerEvent,
  hasMfa: MfaLookup,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const groups = event.request.groupConfiguration.groupsToOverride ?? [];
  const needsMfa = groups.some((group) => (mfaRequiredRoles as readonly string[]).includes(group));
  const allowedGroups =
    needsMfa && !(await hasMfa(event.userPoolId, event.userName))
      ? groups.filter((group) => !(mfaRequiredRoles as readonly string[]).includes(group))
      : groups;
  const schoolId = event.request.userAttributes['custom:school_id'];
  event.response = {
    claimsAndScopeOverrideDetails: {
      groupOverrideDetails: { ...event.request.groupConfiguration, groupsToOverride: allowedGroups },
      ...(schoolId ? { accessTokenGeneration: { claimsToAddOrOverride: { 'custom:school_id': schoolId } } } : {}),
    },
  };
  return event;
}
