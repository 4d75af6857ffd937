import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../lambdas/api/routes';
import { isIntegrationAccess, rolesOf } from '../../lambdas/api/route-contract';
import { type Role, roles } from '../../lambdas/shared/roles';
import { useLocalPlatform } from '../support/local-platform';
import { callApi, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('route-matrix');
const users = new Map<Role, SchoolUser>();

beforeAll(async () => {
  const school = await schoolFixture(platform(), 'matrix');
  for (const role of roles) users.set(role, await school.user(role));
});

/** A concrete path for a route: dates where a date goes, fresh ids elsewhere. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'date' ? '2026-09-14' : randomUUID()));

describe('every route × every role, as the manifest says, in at most two Data API round trips (real tokens over real HTTP)', () => {
  it('lets in exactly the roles a route lists, refuses the others with 403 and anonymous callers with 401', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      const path = concrete(route.path);
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const anonymous = await callApi(platform().url, undefined, route.method, path, body);
      // A public route of made-up ids (an unsubscribe link) finds nothing: 404, yet never 401; one that
      // needs a query or a form (an invitation's token) refuses the bare request: 400 or 415.
      const expectedAnonymous =
        route.access !== 'public'
          ? [401]
          : [200, ...(route.params ? [404] : []), ...(route.query || route.body ? [400, 415] : [])];
      if (!expectedAnonymous.includes(anonymous.status))
        mismatches.push(`${routeKey(route)} anonymous → ${anonymous.status}`);
      for (const role of roles) {
        const {
          status,
          body: answer,
          roundTrips,
        } = await users.get(role)!.call<{ error?: { message: string } }>(route.method, path, body);
        const allowed = route.access === 'public' || rolesOf(route.access).includes(role);
        // A person's token is no integration's: the integrations' authorizer answers 401.
        const refusal = isIntegrationAccess(route.access) ? 401 : 403;
        // A handler module that does not serve a route it is listed for answers "No route".
        const unserved = answer?.error?.message.startsWith('No route') ?? false;
        const ok = allowed ? status < 500 && status !== 401 && status !== 403 && !unserved : status === refusal;
        if ((roundTrips ?? 0) > 2) mismatches.push(`${routeKey(route)} as ${role}: ${roundTrips} Data API round trips`);
        if (!ok)
          mismatches.push(
            `${routeKey(route)} as ${role} → ${status} (${allowed ? 'allowed' : 'refused'} by the manifest)`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });
});
