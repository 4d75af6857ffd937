import { IntegrationCalls } from '../../shared/integration-calls';
import { IntegrationClients } from '../../shared/integration-clients';
import { typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import {
  type IntegrationPorts,
  listIntegrations,
  readIntegration,
  registerIntegration,
  revokeIntegration,
  rotateIntegrationSecret,
} from './integrations';
import { integrationRoutes } from './integrations.routes';
import { cognitoOAuthClients } from './oauth-clients';

let ports: IntegrationPorts | undefined;
const integrationPorts = () => (ports ??= { oauth: cognitoOAuthClients(), clients: new IntegrationClients() });
let calls: IntegrationCalls | undefined;

export const handler = schoolRoutes(integrationRoutes, {
  listIntegrations: async ({ db, query }) => listIntegrations(db, query),
  registerIntegration: async ({ db, principal, body }) =>
    registerIntegration(db, integrationPorts(), principal.schoolId, body),
  getIntegration: async ({ db, params }) => {
    const integration = await readIntegration(db, params.integrationId);
    return { ...integration, recentCalls: await (calls ??= new IntegrationCalls()).recent(integration.clientId) };
  },
  rotateIntegrationSecret: async ({ db, params }) =>
    rotateIntegrationSecret(db, integrationPorts(), params.integrationId),
  revokeIntegration: async ({ db, params }) => revokeIntegration(db, integrationPorts(), params.integrationId),
  getCallingIntegration: async ({ db, principal }) => {
    const { integration } = principal;
    const [row] = await db.query<{ name: string }>(`SELECT name FROM integrations WHERE id = :id`, {
      id: typed.uuid(integration!.id),
    });
    if (!row) throw notFound('The integration');
    return {
      id: integration!.id,
      name: row.name,
      schoolId: principal.schoolId,
      scopes: [...integration!.scopes],
      requestsPerMinute: integration!.requestsPerMinute,
    };
  },
});
