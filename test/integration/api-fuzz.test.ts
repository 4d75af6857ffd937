import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isIntegrationAccess, rolesOf } from '../../lambdas/api/route-contract';
import { routeKey, routes } from '../../lambdas/api/routes';
import { integrationScopeNames } from '../../lambdas/shared/integration-scopes';
import type { Role } from '../../lambdas/shared/roles';
import { useLocalPlatform } from '../support/local-platform';
import { callApi, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { clientCredentialsGrant } from '../support/sign-in';

const platform = useLocalPlatform('fuzz');
let school: SchoolFixture;
const users = new Map<Role, SchoolUser>();
let realIds: string[];

beforeAll(async () => {
  school = await schoolFixture(platform(), 'fuzz');
  for (const role of ['school-admin', 'teacher', 'bursar', 'guardian'] as const)
    users.set(role, await school.user(role));
  // Some real rows, so that random bodies sometimes name things that exist.
  const [row] = await school.db.query<{ ids: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
          klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '1A' FROM year, grade RETURNING id),
          pupil AS (INSERT INTO students (admission_no, given_name, family_name, class_id) SELECT 'F-1', 'F', 'One', klass.id FROM klass RETURNING id)
     SELECT json_build_array((SELECT id FROM year), (SELECT id FROM grade), (SELECT id FROM klass), (SELECT id FROM pupil))::text AS ids`,
  );
  realIds = JSON.parse(row!.ids);
  // The routes integrations call (OneRoster's results), as an integration holding every scope.
  const scopes = [...integrationScopeNames];
  const registered = await users
    .get('school-admin')!
    .call<{ integration: { clientId: string }; clientSecret: string }>('POST', '/api/v1/integrations', {
      name: 'Fuzz LMS',
      scopes,
      requestsPerMinute: 6000,
    });
  const token = (
    await clientCredentialsGrant(
      platform().url,
      registered.body.integration.clientId,
      registered.body.clientSecret,
      scopes,
    )
  ).body.access_token!;
  asIntegration = (method, path, payload) => callApi(platform().url, token, method, path, payload);
});

let asIntegration: SchoolUser['call'];

/** Rows in every table of the school database, so that any write shows. */
async function rowCount(): Promise<number> {
  const [row] = await school.db.query<{ n: number }>(
    `SELECT sum((xpath('/row/n/text()', query_to_xml('SELECT count(*) AS n FROM ' || quote_ident(table_name), false, true, '')))[1]::text::int)::int AS n
       FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  return row!.n;
}

/** JSON values that look a little like what routes expect: known field names, real and random ids, hostile strings. */
const fieldNames = [
  'admissionNo',
  'givenName',
  'familyName',
  'name',
  'classId',
  'studentId',
  'marks',
  'scores',
  'status',
  'amountMinor',
  'clientKey',
  'termId',
  'startsOn',
  'endsOn',
  'code',
  'ordinal',
  'timezone',
  'currency',
  'gradingScale',
  'note',
  'on',
  'reason',
];
const leaf = () =>
  fc.oneof(
    fc.string(),
    fc.constantFrom("'; DROP TABLE students; --", '2026-09-14', 'present', 'EUR', '', '\u0000', 'x'.repeat(600)),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(...(realIds ?? [randomUUID()]), randomUUID()),
  );
const body = () =>
  fc.oneof(
    fc.dictionary(
      fc.constantFrom(...fieldNames),
      fc.oneof(leaf(), fc.array(fc.dictionary(fc.constantFrom(...fieldNames), leaf()), { maxLength: 3 })),
    ),
    fc.anything(),
  );

const writeRoutes = routes.filter((route) => route.method !== 'GET' && route.access !== 'public');

describe('random bodies at every write route (fast-check)', () => {
  it('never answer 5xx, and a refused request writes nothing', async () => {
    const failures: string[] = [];
    for (const route of writeRoutes) {
      const role = rolesOf(route.access).find((r) => users.has(r));
      const user = role ? users.get(role) : undefined;
      const call: SchoolUser['call'] | undefined = isIntegrationAccess(route.access)
        ? asIntegration
        : user && ((method, path, payload) => user.call(method, path, payload));
      if (!call) continue;
      await fc.assert(
        fc.asyncProperty(body(), fc.constantFrom(...realIds, randomUUID()), async (payload, id) => {
          const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'date' ? '2026-09-14' : id));
          const before = await rowCount();
          const response = await call(route.method, path, payload);
          if (response.status >= 500)
            failures.push(`${routeKey(route)} → ${response.status} for ${JSON.stringify(payload)}`);
          if (response.status >= 400 && (await rowCount()) !== before) {
            failures.push(`${routeKey(route)} wrote rows and answered ${response.status}`);
          }
          return response.status < 500;
        }),
        { numRuns: 15, seed: 20261126 },
      );
    }
    expect(failures).toEqual([]);
  });
});
