import type { IntegrationClient } from '../shared/integration-clients';
import { type IntegrationScopeName, scopeNameOf } from '../shared/integration-scopes';
import { integrationClaims } from './token-claims';

/** What the integrations' authorizer hands the API (the authorizer's context: strings and numbers only). */
export interface IntegrationContext {
  readonly schoolId: string;
  readonly integrationId: string;
  readonly clientId: string;
  /** The scopes the token holds that the client still has, short names, space-separated. */
  readonly scopes: string;
  readonly requestsPerMinute: number;
}

/**
 * Whether a verified access token is an active integration's, and what it may do: the client
 * must be registered, active, of the token's school and integration, and the token issued after
 * the client's last secret rotation. Its scopes are those both the token and the client hold.
 */
export function integrationVerdict(
  claims: Readonly<Record<string, unknown>>,
  client: IntegrationClient | undefined,
): IntegrationContext | undefined {
  if (claims.token_use !== 'access' || typeof claims.client_id !== 'string') return undefined;
  if (!client || client.status !== 'active' || client.clientId !== claims.client_id) return undefined;
  if (claims[integrationClaims.school] !== client.schoolId) return undefined;
  if (claims[integrationClaims.integration] !== client.integrationId) return undefined;
  if (typeof claims.iat !== 'number' || claims.iat < client.notBefore) return undefined;
  const held = (typeof claims.scope === 'string' ? claims.scope : '')
    .split(' ')
    .map(scopeNameOf)
    .filter((name): name is IntegrationScopeName => name !== undefined && client.scopes.includes(name));
  if (!held.length) return undefined;
  return {
    schoolId: client.schoolId,
    integrationId: client.integrationId,
    clientId: client.clientId,
    scopes: held.join(' '),
    requestsPerMinute: client.requestsPerMinute,
  };
}
