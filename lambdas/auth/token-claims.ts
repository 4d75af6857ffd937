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

/** The claims an integration's access token carries besides Cognito's own: its school and its integration. */
export const integrationClaims = { school: 'custom:school_id', integration: 'campus:integration_id' } as const;

/** Port: an integration's OAuth client by its id (the integration clients table). */
export type ClientLookup = (
  clientId: string,
) => Promise<{ schoolId: string; integrationId: string; status: 'active' | 'revoked' } | undefined>;

/**
 * Shapes the access token of an integration's client-credentials grant (event version 3,
 * `TokenGeneration_ClientCredentials`): the school and integration the client serves, so the
 * token carries its school as a staff member's does. A client that is not an active integration
 * gets no token: the trigger fails, and Cognito refuses the grant.
 */
export async function shapeClientCredentialsClaims<E extends PreTokenGenerationV2TriggerEvent>(
  event: E,
  lookup: ClientLookup,
): Promise<E> {
  const clientId = event.callerContext.clientId;
  const client = await lookup(clientId);
  if (client?.status !== 'active') throw new Error(`Client ${clientId} is not an active integration.`);
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: {
        claimsToAddOrOverride: {
          [integrationClaims.school]: client.schoolId,
          [integrationClaims.integration]: client.integrationId,
        },
      },
    },
  };
  return event;
}
