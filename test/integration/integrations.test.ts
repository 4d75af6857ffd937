import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  ListUserPoolClientSecretsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { localUserPoolId } from '../../local/issuer/cognito-admin-server';
import type { IntegrationScopeName } from '../../lambdas/shared/integration-scopes';
import { clientCredentialsGrant } from '../support/sign-in';
import { useLocalPlatform } from '../support/local-platform';
import { callApi, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

/**
 * Integrations' OAuth clients through real HTTP on the local platform: the school admin registers
 * one, the integration gets a client-credentials token from the issuer's token endpoint (as from
 * Cognito's), and calls the API as its school's integration, through the integrations' authorizer.
 */
const platform = useLocalPlatform('integrations');
let school: SchoolFixture;
let admin: SchoolUser;

interface Registered {
  integration: { id: string; clientId: string; status: string; scopes: string[] };
  clientSecret: string;
}

beforeAll(async () => {
  school = await schoolFixture(platform(), 'integrations');
  admin = await school.user('school-admin');
});

const tokenFor = (clientId: string, secret: string, scopes: readonly IntegrationScopeName[]) =>
  clientCredentialsGrant(platform().url, clientId, secret, scopes);

async function register(
  name: string,
  scopes: IntegrationScopeName[] = ['roster-core.readonly'],
  requestsPerMinute?: number,
) {
  const created = await admin.call<Registered>('POST', '/api/v1/integrations', {
    name,
    scopes,
    ...(requestsPerMinute ? { requestsPerMinute } : {}),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

const asIntegration = (token: string) =>
  callApi<{ id: string; schoolId: string; scopes: string[] }>(platform().url, token, 'GET', '/api/v1/integration');

describe('integrations: OAuth clients of a school', () => {
  it('registers a client whose secret is shown once, and whose token is tied to the school', async () => {
    const { integration, clientSecret } = await register('Moodle', ['roster-core.readonly', 'gradebook.readonly']);
    expect(integration).toMatchObject({ status: 'active', scopes: ['roster-core.readonly', 'gradebook.readonly'] });
    const read = await admin.call<Record<string, unknown>>('GET', `/api/v1/integrations/${integration.id}`);
    expect(JSON.stringify(read.body)).not.toContain(clientSecret);

    const token = await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly']);
    expect(token.status).toBe(200);
    const me = await asIntegration(token.body.access_token!);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: integration.id,
      schoolId: school.school.schoolId,
      scopes: ['roster-core.readonly'],
    });
    // Its calls are listed for the admin.
    const detail = await admin.call<{ recentCalls: { path: string; status: number }[] }>(
      'GET',
      `/api/v1/integrations/${integration.id}`,
    );
    expect(detail.body.recentCalls[0]).toMatchObject({ path: '/api/v1/integration', status: 200 });
  });

  it('gives no token for a scope the client was not given, nor for a wrong secret', async () => {
    const { integration, clientSecret } = await register('Library');
    expect((await tokenFor(integration.clientId, `${clientSecret}x`, ['roster-core.readonly'])).status).toBe(401);
    const wider = await tokenFor(integration.clientId, clientSecret, ['gradebook.createput']);
    expect(wider.status).toBe(400);
  });

  it("refuses a person's token on an integration's route, and an integration's token on the people's routes", async () => {
    expect((await admin.call('GET', '/api/v1/integration')).status).toBe(401);
    const { integration, clientSecret } = await register('Classroom');
    const token = (await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly'])).body.access_token!;
    expect((await callApi(platform().url, token, 'GET', '/api/v1/students')).status).toBe(401);
  });

  it('refuses a revoked client on its very next call, and an old secret and its tokens after a rotation', async () => {
    const { integration, clientSecret } = await register('Canvas');
    const token = (await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly'])).body.access_token!;
    expect((await asIntegration(token)).status).toBe(200);

    // Rotation: a new secret, shown once; the old secret and the token it gave stop working at once.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rotated = await admin.call<Registered>('POST', `/api/v1/integrations/${integration.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).not.toBe(clientSecret);
    expect((await asIntegration(token)).status).toBe(401);
    expect((await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly'])).status).toBe(401);
    const fresh = (await tokenFor(integration.clientId, rotated.body.clientSecret, ['roster-core.readonly'])).body
      .access_token!;
    expect((await asIntegration(fresh)).status).toBe(200);

    // Revocation, mid-run: the token still within its hour is refused on its next call.
    const revoked = await admin.call<{ status: string }>('POST', `/api/v1/integrations/${integration.id}/revoke`);
    expect(revoked.body.status).toBe('revoked');
    expect((await asIntegration(fresh)).status).toBe(401);
    expect((await tokenFor(integration.clientId, rotated.body.clientSecret, ['roster-core.readonly'])).status).toBe(
      401,
    );
    // Revoking again changes nothing and still answers; rotating a revoked one is a conflict.
    expect((await admin.call('POST', `/api/v1/integrations/${integration.id}/revoke`)).status).toBe(200);
    expect((await admin.call('POST', `/api/v1/integrations/${integration.id}/rotate-secret`)).status).toBe(409);
    const audit = await admin.call<{ items: { action: string }[] }>('GET', `/api/v1/audit?entity=integration`);
    expect(audit.body.items.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['register', 'rotate-secret', 'revoke']),
    );
  });

  it('rotates one at a time: of two rotations at once one is refused, and the secret answered is the one that works', async () => {
    const { integration } = await register('Rotated twice');
    const rotate = () => admin.call<Registered>('POST', `/api/v1/integrations/${integration.id}/rotate-secret`);
    const answers = await Promise.all([rotate(), rotate()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!.body.clientSecret;
    expect((await tokenFor(integration.clientId, winner, ['roster-core.readonly'])).status).toBe(200);
  });

  it('clears a second secret a failed rotation left in the user pool, then rotates (user pool limit of two)', async () => {
    const { integration, clientSecret } = await register('Half rotated');
    const cognito = new CognitoIdentityProviderClient({});
    // A rotation that failed after adding its secret: two secrets, the second never shown to anyone.
    await cognito.send(
      new AddUserPoolClientSecretCommand({ UserPoolId: localUserPoolId, ClientId: integration.clientId }),
    );
    const rotated = await admin.call<Registered>('POST', `/api/v1/integrations/${integration.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { ClientSecrets: left = [] } = await cognito.send(
      new ListUserPoolClientSecretsCommand({ UserPoolId: localUserPoolId, ClientId: integration.clientId }),
    );
    expect(left).toHaveLength(1);
    expect((await tokenFor(integration.clientId, rotated.body.clientSecret, ['roster-core.readonly'])).status).toBe(
      200,
    );
    expect((await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly'])).status).toBe(401);
  });

  it('answers 429 with Retry-After once a client has used its requests for the minute', async () => {
    const { integration, clientSecret } = await register('Busy app', ['roster-core.readonly'], 3);
    const token = (await tokenFor(integration.clientId, clientSecret, ['roster-core.readonly'])).body.access_token!;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const response = await fetch(`${platform().url}/api/v1/integration`, {
        headers: { authorization: `Bearer ${token}` },
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    // A minute boundary may fall inside the loop: at most the rate passes in one minute, the rest are refused.
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(6);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    // The refused calls are in the admin's list too.
    const detail = await admin.call<{ recentCalls: { status: number }[] }>(
      'GET',
      `/api/v1/integrations/${integration.id}`,
    );
    expect(detail.body.recentCalls.map((call) => call.status)).toContain(429);
  });

  it('refuses a name already used by an active integration, field by field, leaving no client behind', async () => {
    await register('Twice');
    const again = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/integrations', {
      name: 'twice',
      scopes: ['roster-core.readonly'],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual([{ path: 'body.name', message: 'is already taken' }]);
    const bad = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/integrations', {
      name: '',
      scopes: ['roster-core.readonly', 'everything'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((field) => field.path)).toEqual(
      expect.arrayContaining(['body.name', 'body.scopes.1']),
    );
  });
});
