import { integrationScopeNames } from '../../shared/integration-scopes';
import { pageOf } from '../resource-schema';
import { routeGroup } from '../route-contract';
import {
  callingIntegration,
  integration,
  integrationDetail,
  integrationListQuery,
  integrationPath,
  integrationWithSecret,
  newIntegration,
} from './integration.schemas';

const admin = ['school-admin'] as const;

export const integrationRoutes = routeGroup('lambdas/api/integrations/integrations.handler.ts', {
  listIntegrations: {
    method: 'GET',
    path: '/api/v1/integrations',
    access: admin,
    summary: "The school's integrations (third-party apps with an OAuth client), paged.",
    query: integrationListQuery,
    response: { status: 200, body: pageOf(integration) },
  },
  registerIntegration: {
    method: 'POST',
    path: '/api/v1/integrations',
    access: admin,
    grants: ['manage-integrations'],
    summary:
      'Register an integration: an OAuth 2.0 client-credentials client with these scopes, tied to this school. Its secret is in this answer only.',
    body: newIntegration,
    response: { status: 201, body: integrationWithSecret },
  },
  getIntegration: {
    method: 'GET',
    path: '/api/v1/integrations/{integrationId}',
    access: admin,
    grants: ['manage-integrations'],
    summary: 'An integration and its recent calls (method, path, status, latency).',
    params: integrationPath,
    response: { status: 200, body: integrationDetail },
  },
  rotateIntegrationSecret: {
    method: 'POST',
    path: '/api/v1/integrations/{integrationId}/rotate-secret',
    access: admin,
    grants: ['manage-integrations'],
    summary:
      "Replace an integration's client secret: the old secret and every token it gave stop working at once; the new secret is in this answer only.",
    params: integrationPath,
    response: { status: 200, body: integrationWithSecret },
  },
  revokeIntegration: {
    method: 'POST',
    path: '/api/v1/integrations/{integrationId}/revoke',
    access: admin,
    grants: ['manage-integrations'],
    summary: 'Revoke an integration: its client is deleted and its tokens are refused from its next call.',
    params: integrationPath,
    response: { status: 200, body: integration },
  },
  getCallingIntegration: {
    method: 'GET',
    path: '/api/v1/integration',
    access: { integration: integrationScopeNames },
    summary: 'For an integration: which it is, its school, the scopes its token holds and its rate.',
    response: { status: 200, body: callingIntegration },
  },
});
