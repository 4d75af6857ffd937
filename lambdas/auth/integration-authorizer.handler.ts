import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { IntegrationClients } from '../shared/integration-clients';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { tokenIssuerVariable } from '../shared/platform-variables';
import { type IntegrationContext, integrationVerdict } from './integration-tokens';

let verifier: { issuer: string; keys: ReturnType<typeof createRemoteJWKSet>; clients: IntegrationClients } | undefined;
/** The issuer's keys (fetched once, refreshed when a token names a key not yet seen) and the clients table. */
function verification() {
  const issuer = process.env[tokenIssuerVariable]!;
  return (verifier ??= {
    issuer,
    keys: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)),
    clients: new IntegrationClients(),
  });
}

/**
 * The HTTP API's Lambda authorizer of the routes integrations call (simple responses, no cache):
 * the bearer token must be the user pool's, an access token, of an integration's client that is
 * active now. The client is read on every call, so a revoked client is refused on its next call,
 * whatever its token's expiry. `Unauthorized` makes API Gateway answer 401.
 */
export const handler = lambdaHandler(
  async (
    event: APIGatewayRequestAuthorizerEventV2,
  ): Promise<{ isAuthorized: boolean; context?: IntegrationContext }> => {
    const token = /^Bearer (.+)$/i.exec(event.headers?.authorization ?? '')?.[1];
    if (!token) throw new Error('Unauthorized');
    const { issuer, keys, clients } = verification();
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer, algorithms: ['RS256'] }));
    } catch (error) {
      logger.info('integration token refused', { reason: (error as Error).message });
      throw new Error('Unauthorized', { cause: error });
    }
    const client = typeof claims.client_id === 'string' ? await clients.read(claims.client_id) : undefined;
    const context = integrationVerdict(claims, client);
    if (!context) {
      logger.info('integration token refused', { clientId: String(claims.client_id), known: Boolean(client) });
      throw new Error('Unauthorized');
    }
    return { isAuthorized: true, context };
  },
  { logAs: 'none' },
);
