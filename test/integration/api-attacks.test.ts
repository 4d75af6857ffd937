import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { fullScope } from '../../lambdas/shared/integration-scopes';
import { useLocalPlatform } from '../support/local-platform';
import { clientCredentialsGrant } from '../support/sign-in';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import {
  type ApiResponse,
  callApi,
  type SchoolFixture,
  exampleSettings,
  type SchoolUser,
  schoolFixture,
} from '../support/school-fixture';

const platform = useLocalPlatform('attacks');

/** Everything the attacks aim at, in the victim school, and the attackers' accounts. */
let victim: SchoolFixture;
let attacker: SchoolFixture;
let users: Record<'admin' | 'teacher' | 'bursar' | 'guardian' | 'operator' | 'intruder' | 'intruderBursar', SchoolUser>;
let target: { studentId: string; otherStudentId: string; classId: string; assessmentId: string; guardianId: string };

beforeAll(async () => {
  [victim, attacker] = await Promise.all([schoolFixture(platform(), 'victim'), schoolFixture(platform(), 'attacker')]);
  users = {
    admin: await victim.user('school-admin'),
    teacher: await victim.user('teacher'),
    bursar: await victim.user('bursar'),
    guardian: await victim.user('guardian'),
    operator: await victim.user('platform-operator'),
    intruder: await attacker.user('school-admin'),
    intruderBursar: await attacker.user('bursar'),
  };
  const [row] = await victim.db.query<{ ids: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
          term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on) SELECT id, 'T1', '2026-09-01', '2026-12-18' FROM year RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
          klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '1A' FROM year, grade RETURNING id),
          subject AS (INSERT INTO subjects (code, name) VALUES ('MATH', 'Maths') RETURNING id),
          teacher AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:teacher, 't@v.test', 'T', 'teacher') RETURNING id),
          assessment AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score)
                         SELECT klass.id, subject.id, term.id, 'Quiz', 10 FROM klass, subject, term RETURNING id),
          pupil AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                    SELECT 'V-1', 'Zebedee', 'Victimson', klass.id FROM klass RETURNING id),
          other AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                    SELECT 'V-2', 'Other', 'Child', klass.id FROM klass RETURNING id),
          guardian AS (INSERT INTO guardians (name, user_sub) VALUES ('Parent', :guardian) RETURNING id),
          link AS (INSERT INTO student_guardians (student_id, guardian_id, relationship) SELECT other.id, guardian.id, 'mother' FROM other, guardian)
     SELECT json_build_object('studentId', (SELECT id FROM pupil), 'otherStudentId', (SELECT id FROM other),
                              'classId', (SELECT id FROM klass), 'assessmentId', (SELECT id FROM assessment),
                              'guardianId', (SELECT id FROM guardian))::text AS ids`,
    { teacher: users.teacher.userId, guardian: users.guardian.userId },
  );
  target = JSON.parse(row!.ids);
  // Each school's integration, and the attacker's own client token.
  const register = (admin: SchoolUser, name: string) =>
    admin.call<{ integration: { id: string; clientId: string }; clientSecret: string }>(
      'POST',
      '/api/v1/integrations',
      {
        name,
        scopes: ['roster-core.readonly', 'roster.readonly', 'gradebook.readonly', 'gradebook.createput'],
      },
    );
  victimIntegration = (await register(users.admin, 'Victim LMS')).body.integration;
  const attackerRegistered = (await register(users.intruder, 'Attacker LMS')).body;
  attackerIntegration = attackerRegistered.integration;
  attackerIntegrationToken = (
    await clientCredentialsGrant(platform().url, attackerIntegration.clientId, attackerRegistered.clientSecret, [
      'roster-core.readonly',
    ])
  ).body.access_token!;
  attackerOneRosterToken = (
    await clientCredentialsGrant(platform().url, attackerIntegration.clientId, attackerRegistered.clientSecret, [
      'roster.readonly',
      'gradebook.readonly',
      'gradebook.createput',
    ])
  ).body.access_token!;
});

let victimIntegration: { id: string; clientId: string };
let attackerIntegration: { id: string; clientId: string };
let attackerIntegrationToken: string;
/** The attacker's client token with every OneRoster scope, for the OneRoster routes of its own school. */
let attackerOneRosterToken: string;
const rosteringPath = '/ims/oneroster/rostering/v1p2';
const integrationScope = fullScope('roster-core.readonly');

const leaks = (response: ApiResponse) => JSON.stringify(response.body ?? '').includes('Victimson');
const asAnyone = (token: string | undefined, method: string, path: string, body?: unknown) =>
  callApi(platform().url, token, method, path, body);

/** A token with whatever claims an attacker wants, signed with the issuer's own key (as if it leaked) or a stranger's under its key id. */
async function mint(
  claims: Record<string, unknown>,
  options: { expiresIn?: string; key?: 'issuer' | 'stranger' } = {},
) {
  const keys = JSON.parse(readFileSync(join(platform().stateDir, 'issuer', 'keys.json'), 'utf8')) as { signing: JWK };
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const key = options.key === 'stranger' ? stranger.privateKey : await importJWK(keys.signing, 'RS256');
  return new SignJWT({ client_id: 'campus-web', token_use: 'access', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: keys.signing.kid! })
    .setIssuer(platform().issuer.issuerUrl)
    .setSubject(typeof claims.sub === 'string' ? claims.sub : randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(key);
}

/** A real token with its school claim edited to the victim's, its signature left as it was. */
function toVictimSchool(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
  const edited = Buffer.from(JSON.stringify({ ...claims, 'custom:school_id': victim.school.schoolId })).toString(
    'base64url',
  );
  return `${header}.${edited}.${signature}`;
}

type Attack = [name: string, run: () => Promise<ApiResponse>, status: number, code?: string];

const attacks: Attack[] = [
  // Tokens
  ['no token on a school route', () => asAnyone(undefined, 'GET', '/api/v1/students'), 401],
  ['no token on a write', () => asAnyone(undefined, 'POST', '/api/v1/students', {}), 401],
  ['a bearer that is not a JWT', () => asAnyone('not.a.jwt', 'GET', '/api/v1/students'), 401],
  [
    'an alg:none token claiming school-admin',
    async () => {
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = {
        sub: users.admin.userId,
        iss: platform().issuer.issuerUrl,
        client_id: 'campus-web',
        'cognito:groups': ['school-admin'],
        'custom:school_id': victim.school.schoolId,
        exp: Math.floor(Date.now() / 1000) + 600,
      };
      return asAnyone(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`, 'GET', '/api/v1/students');
    },
    401,
  ],
  [
    'a real token with its claims edited to another school',
    () => asAnyone(toVictimSchool(users.intruder.token), 'GET', '/api/v1/students'),
    401,
  ],
  [
    'a token signed by a stranger key under the issuer key id',
    async () =>
      asAnyone(
        await mint(
          { 'cognito:groups': ['school-admin'], 'custom:school_id': victim.school.schoolId },
          { key: 'stranger' },
        ),
        'GET',
        '/api/v1/students',
      ),
    401,
  ],
  [
    'an expired token',
    async () =>
      asAnyone(
        await mint(
          { 'cognito:groups': ['school-admin'], 'custom:school_id': victim.school.schoolId },
          { expiresIn: '-1m' },
        ),
        'GET',
        '/api/v1/students',
      ),
    401,
  ],
  [
    'a token issued to another client',
    async () =>
      asAnyone(
        await mint({
          client_id: 'some-other-app',
          'cognito:groups': ['school-admin'],
          'custom:school_id': victim.school.schoolId,
        }),
        'GET',
        '/api/v1/students',
      ),
    401,
  ],
  [
    'a school role without a school claim',
    async () => asAnyone(await mint({ 'cognito:groups': ['school-admin'] }), 'GET', '/api/v1/students'),
    403,
  ],
  [
    'a token for a school that does not exist',
    async () =>
      asAnyone(
        await mint({ 'cognito:groups': ['school-admin'], 'custom:school_id': 'snotaschool000' }),
        'GET',
        '/api/v1/students',
      ),
    403,
    'SCHOOL_UNAVAILABLE',
  ],
  [
    'a role the platform does not know',
    async () =>
      asAnyone(
        await mint({ 'cognito:groups': ['superuser'], 'custom:school_id': victim.school.schoolId }),
        'GET',
        '/api/v1/students',
      ),
    403,
  ],
  // Another school's identifiers, with a genuine token of the attacker's school
  [
    'reading another school’s student by id',
    () => users.intruder.call('GET', `/api/v1/students/${target.studentId}`),
    404,
  ],
  [
    'changing another school’s student',
    () => users.intruder.call('PATCH', `/api/v1/students/${target.studentId}`, { givenName: 'Pwned' }),
    404,
  ],
  [
    'withdrawing another school’s student',
    () =>
      users.intruder.call('POST', `/api/v1/students/${target.studentId}/withdraw`, { on: '2026-10-01', reason: 'x' }),
    404,
  ],
  [
    'marking another school’s class',
    () =>
      users.intruder.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-14`, {
        marks: [{ studentId: target.studentId, status: 'absent' }],
      }),
    404,
  ],
  [
    'reading another school’s register',
    () => users.intruder.call('GET', `/api/v1/classes/${target.classId}/attendance/2026-09-14`),
    404,
  ],
  [
    'scoring another school’s assessment',
    () =>
      users.intruder.call('PUT', `/api/v1/assessments/${target.assessmentId}/scores`, {
        scores: [{ studentId: target.studentId, score: 1 }],
      }),
    404,
  ],
  [
    'paying into another school’s student',
    () =>
      users.intruderBursar.call('POST', '/api/v1/payments', {
        clientKey: 'attack-0001-xyz',
        studentId: target.studentId,
        amountMinor: 1,
        method: 'cash',
        paidOn: '2026-09-14',
      }),
    400,
  ],
  [
    'linking a guardian to another school’s student',
    () =>
      users.intruder.call('PUT', `/api/v1/students/${target.studentId}/guardians/${target.guardianId}`, {
        relationship: 'x',
      }),
    400,
  ],
  [
    'a report card of another school’s student',
    () => users.intruder.call('GET', `/api/v1/students/${target.studentId}/report-card?termId=${randomUUID()}`),
    404,
  ],
  // School id smuggled in
  [
    'schoolId in a body',
    () =>
      users.intruder.call('POST', '/api/v1/students', {
        admissionNo: 'X-1',
        givenName: 'X',
        familyName: 'Y',
        schoolId: victim.school.schoolId,
      }),
    400,
  ],
  ['schoolId in a query', () => users.intruder.call('GET', `/api/v1/students?schoolId=${victim.school.schoolId}`), 400],
  [
    'school_id in a query',
    () => users.intruder.call('GET', `/api/v1/students?school_id=${victim.school.schoolId}`),
    400,
  ],
  [
    'custom:school_id in a body',
    () => users.intruder.call('PUT', '/api/v1/school/settings', { 'custom:school_id': victim.school.schoolId }),
    400,
  ],
  // Roles inside the victim school
  [
    'a guardian reading a child not theirs',
    () => users.guardian.call('GET', `/api/v1/portal/children/${target.studentId}`),
    404,
  ],
  [
    'a guardian reading a child’s fees not theirs',
    () => users.guardian.call('GET', `/api/v1/portal/children/${target.studentId}/fees`),
    404,
  ],
  ['a guardian on the student register', () => users.guardian.call('GET', `/api/v1/students/${target.studentId}`), 403],
  ['a guardian on the audit log', () => users.guardian.call('GET', '/api/v1/audit'), 403],
  [
    'a teacher marking a class they do not teach',
    () =>
      users.teacher.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-14`, {
        marks: [{ studentId: target.studentId, status: 'absent' }],
      }),
    403,
  ],
  [
    'a teacher scoring a subject they do not teach',
    () =>
      users.teacher.call('PUT', `/api/v1/assessments/${target.assessmentId}/scores`, {
        scores: [{ studentId: target.studentId, score: 1 }],
      }),
    403,
  ],
  [
    'a teacher enrolling a student',
    () => users.teacher.call('POST', '/api/v1/students', { admissionNo: 'T-1', givenName: 'T', familyName: 'T' }),
    403,
  ],
  [
    'a teacher recording a payment',
    () =>
      users.teacher.call('POST', '/api/v1/payments', {
        clientKey: 'attack-0002-xyz',
        studentId: target.studentId,
        amountMinor: 1,
        method: 'cash',
        paidOn: '2026-09-14',
      }),
    403,
  ],
  [
    'a school admin recording a payment (bursars own fees)',
    () =>
      users.admin.call('POST', '/api/v1/payments', {
        clientKey: 'attack-0003-xyz',
        studentId: target.studentId,
        amountMinor: 1,
        method: 'cash',
        paidOn: '2026-09-14',
      }),
    403,
  ],
  [
    'a bursar marking attendance',
    () =>
      users.bursar.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-14`, {
        marks: [{ studentId: target.studentId, status: 'absent' }],
      }),
    403,
  ],
  ['a bursar changing settings', () => users.bursar.call('PUT', '/api/v1/school/settings', {}), 403],
  [
    'a platform operator reading school data',
    () => users.operator.call('GET', `/api/v1/students/${target.studentId}`),
    403,
  ],
  ['a school admin listing the platform’s schools', () => users.admin.call('GET', '/api/v1/platform/schools'), 403],
  // Malformed and hostile input
  ['a path id that is not a uuid', () => users.admin.call('GET', '/api/v1/students/1%20OR%201=1'), 400],
  [
    'a path id with SQL in it',
    () => users.admin.call('GET', `/api/v1/students/${encodeURIComponent("' OR '1'='1")}`),
    400,
  ],
  [
    'a date that is not a date',
    () => users.admin.call('GET', `/api/v1/classes/${target.classId}/attendance/2026-02-30`),
    400,
  ],
  ['a body that is not JSON', () => users.admin.call('POST', '/api/v1/students', '{"admissionNo": "A"'), 400],
  ['a body that is a JSON array', () => users.admin.call('POST', '/api/v1/students', []), 400],
  ['a body over 1 MiB', () => users.admin.call('POST', '/api/v1/students', { givenName: 'x'.repeat(1_100_000) }), 413],
  [
    'a string field over its limit',
    () =>
      users.admin.call('POST', '/api/v1/students', { admissionNo: 'L-1', givenName: 'x'.repeat(101), familyName: 'Y' }),
    400,
  ],
  [
    'more marks than a request may carry',
    () =>
      users.admin.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-14`, {
        marks: Array.from({ length: 201 }, () => ({ studentId: randomUUID(), status: 'present' })),
      }),
    400,
  ],
  [
    'an unknown field in a mark',
    () =>
      users.admin.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-14`, {
        marks: [{ studentId: target.studentId, status: 'present', schoolId: 'x' }],
      }),
    400,
  ],
  ['an unknown query parameter', () => users.admin.call('GET', '/api/v1/students?limit=5&debug=true'), 400],
  [
    'a prototype-pollution body',
    () =>
      users.admin.call(
        'POST',
        '/api/v1/students',
        JSON.parse('{"admissionNo":"P-1","givenName":"P","familyName":"P","__proto__":{"isAdmin":true}}'),
      ),
    400,
  ],
  [
    'a negative payment',
    () =>
      users.bursar.call('POST', '/api/v1/payments', {
        clientKey: 'attack-0004-xyz',
        studentId: target.studentId,
        amountMinor: -500,
        method: 'cash',
        paidOn: '2026-09-14',
      }),
    400,
  ],
  [
    'money as a float',
    () =>
      users.bursar.call('POST', '/api/v1/payments', {
        clientKey: 'attack-0005-xyz',
        studentId: target.studentId,
        amountMinor: 0.1,
        method: 'cash',
        paidOn: '2026-09-14',
      }),
    400,
  ],
  ['a page size beyond the limit', () => users.admin.call('GET', '/api/v1/students?limit=100000'), 400],
  // Notifications
  ['a live ticket without a token', () => asAnyone(undefined, 'POST', '/api/v1/notifications/live-tickets'), 401],
  [
    'a platform operator asking for a live ticket',
    () => users.operator.call('POST', '/api/v1/notifications/live-tickets'),
    403,
  ],
  [
    'a guardian reading the school’s notification rules',
    () => users.guardian.call('GET', '/api/v1/notifications/settings'),
    403,
  ],
  [
    'a guardian announcing to the whole school',
    () =>
      users.guardian.call('POST', '/api/v1/notifications/announcements', {
        audience: { scope: 'school' },
        title: 'Hello',
        body: 'Everyone',
        clientKey: 'attack-announce-1',
      }),
    403,
  ],
  ['a guardian reading delivery reports', () => users.guardian.call('GET', '/api/v1/notifications/requests'), 403],
  [
    'a school admin of another school announcing to the victim’s class',
    () =>
      users.intruder.call('POST', '/api/v1/notifications/announcements/preview', {
        audience: { scope: 'class', classId: target.classId },
        title: 'Hello',
        body: 'Strangers',
      }),
    404,
  ],
  [
    'a guardian marking a message that is not theirs read',
    () => users.guardian.call('POST', `/api/v1/notifications/${randomUUID()}/read`),
    404,
  ],
  // Integrations: their records are the school's own, and a client's token is bound to its school and integration.
  [
    'a school admin of another school reading the victim’s integration',
    () => users.intruder.call('GET', `/api/v1/integrations/${victimIntegration.id}`),
    404,
  ],
  [
    'a school admin of another school rotating the victim’s integration secret',
    () => users.intruder.call('POST', `/api/v1/integrations/${victimIntegration.id}/rotate-secret`),
    404,
  ],
  [
    'a school admin of another school revoking the victim’s integration',
    () => users.intruder.call('POST', `/api/v1/integrations/${victimIntegration.id}/revoke`),
    404,
  ],
  [
    'an integration token of the attacker’s client claiming the victim school (issuer key leaked)',
    async () =>
      asAnyone(
        await mint({
          client_id: attackerIntegration.clientId,
          scope: integrationScope,
          'custom:school_id': victim.school.schoolId,
          'campus:integration_id': attackerIntegration.id,
        }),
        'GET',
        '/api/v1/integration',
      ),
    401,
  ],
  [
    'an integration token of the attacker’s client naming the victim’s integration (issuer key leaked)',
    async () =>
      asAnyone(
        await mint({
          client_id: attackerIntegration.clientId,
          scope: integrationScope,
          'custom:school_id': attacker.school.schoolId,
          'campus:integration_id': victimIntegration.id,
        }),
        'GET',
        '/api/v1/integration',
      ),
    401,
  ],
  [
    'the attacker integration’s real token edited to the victim school',
    () => asAnyone(toVictimSchool(attackerIntegrationToken), 'GET', '/api/v1/integration'),
    401,
  ],
  [
    'an integration token for a client never registered (issuer key leaked)',
    async () =>
      asAnyone(
        await mint({
          client_id: 'never-registered',
          scope: integrationScope,
          'custom:school_id': victim.school.schoolId,
        }),
        'GET',
        '/api/v1/integration',
      ),
    401,
  ],
  ['the victim admin’s own token on an integration’s route', () => users.admin.call('GET', '/api/v1/integration'), 401],
  ['an integration’s token on a staff route', () => asAnyone(attackerIntegrationToken, 'GET', '/api/v1/students'), 401],
  // OneRoster: an integration sees and writes its own school's records only, whatever ids or filters it sends.
  [
    'an integration reading a student of the victim school by id through OneRoster',
    () => asAnyone(attackerOneRosterToken, 'GET', `${rosteringPath}/students/${target.studentId}`),
    404,
  ],
  [
    'an integration listing the victim school’s students through OneRoster',
    () => asAnyone(attackerOneRosterToken, 'GET', `${rosteringPath}/schools/${victim.school.schoolId}/students`),
    404,
  ],
  [
    'an integration listing the victim school’s class through OneRoster',
    () => asAnyone(attackerOneRosterToken, 'GET', `${rosteringPath}/classes/${target.classId}/students`),
    404,
  ],
  [
    'an integration writing a result into the victim school’s gradebook',
    () =>
      asAnyone(attackerOneRosterToken, 'PUT', '/ims/oneroster/gradebook/v1p2/results/attack-1', {
        result: {
          lineItem: { sourcedId: target.assessmentId },
          student: { sourcedId: target.studentId },
          scoreStatus: 'fully graded',
          score: 1,
        },
      }),
    404,
  ],
  [
    'the attacker integration’s real token edited to the victim school, on OneRoster',
    () => asAnyone(toVictimSchool(attackerOneRosterToken), 'GET', `${rosteringPath}/students`),
    401,
  ],
  [
    'SQL in a OneRoster filter',
    () =>
      asAnyone(
        attackerOneRosterToken,
        'GET',
        `${rosteringPath}/users?filter=${encodeURIComponent("familyName='x' OR 1=1")}`,
      ),
    400,
  ],
  [
    'SQL in a OneRoster sort',
    () =>
      asAnyone(
        attackerOneRosterToken,
        'GET',
        `${rosteringPath}/users?sort=${encodeURIComponent('familyName; DROP TABLE students')}`,
      ),
    400,
  ],
  [
    'a forged cursor',
    () => users.admin.call('GET', `/api/v1/students?cursor=${Buffer.from('["a","b","c"]').toString('base64url')}`),
    400,
  ],
];

describe('attack suite: each refused exactly, with nothing of the victim school leaked', () => {
  it('has at least fifty cases', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(50);
  });

  it.each(attacks)('refuses %s', async (_name, run, status, code) => {
    const response = await run();
    expect(response.status).toBe(status);
    if (code) expect((response.body as { error: { code: string } }).error.code).toBe(code);
    expect(leaks(response)).toBe(false);
  });

  it('stores SQL metacharacters in every string field as plain text, and searches with them safely', async () => {
    const hostile = ["'; DROP TABLE students; --", '" OR 1=1 --', '$$; SELECT pg_sleep(5); $$', "\\'; --", '%_%'];
    for (const [index, text] of hostile.entries()) {
      const created = await users.admin.call<{ givenName: string; familyName: string }>('POST', '/api/v1/students', {
        admissionNo: `SQL-${index}`,
        givenName: text,
        familyName: text,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ givenName: text, familyName: text });
      const found = await users.admin.call<{ items: unknown[] }>(
        'GET',
        `/api/v1/students?q=${encodeURIComponent(text)}`,
      );
      expect(found.status).toBe(200);
    }
    const guardian = await users.admin.call<{ name: string }>('POST', '/api/v1/guardians', { name: hostile[0] });
    expect(guardian.body.name).toBe(hostile[0]);
    const marked = await users.admin.call('PUT', `/api/v1/classes/${target.classId}/attendance/2026-09-15`, {
      marks: [{ studentId: target.studentId, status: 'late', note: "'); DELETE FROM attendance; --" }],
    });
    expect(marked.status).toBe(200);
    const [count] = await victim.db.query<{ n: number }>('SELECT count(*)::int AS n FROM students');
    expect(count!.n).toBe(2 + hostile.length);
  });

  it('tells a guardian only of the child linked to them, never of another school’s, live or in the inbox', async () => {
    const today = async (school: SchoolFixture) =>
      (
        await school.db.query<{ day: string }>(
          `SELECT (now() AT TIME ZONE timezone)::date::text AS day FROM school_settings`,
        )
      )[0]!.day;
    const alertsAtOnce = (admin: SchoolUser) =>
      changeNotificationRules((method, path, body) => admin.call(method, path, body), {
        absenceAlerts: true,
        absenceGrace: 'after-register',
        absenceGraceMinutes: 0,
        ...noQuietHours,
      });
    for (const admin of [users.admin, users.intruder]) {
      expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
      await alertsAtOnce(admin);
    }

    // The victim guardian has the app open.
    const ticket = await users.guardian.call<{ ticket: string }>('POST', '/api/v1/notifications/live-tickets');
    const heard: string[] = [];
    const socket = new WebSocket(`${platform().url.replace(/^http/, 'ws')}/live?ticket=${ticket.body.ticket}`);
    socket.on('message', (data: Buffer) => heard.push(data.toString('utf8')));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

    // The other school claims the victim guardian's account for a guardian of its own, and marks their "child" absent.
    await attacker.db.query(
      `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
            grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
            klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, 'X1' FROM year, grade RETURNING id),
            pupil AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                      SELECT 'A-1', 'Mallory', 'Intruderson', klass.id FROM klass RETURNING id),
            guardian AS (INSERT INTO guardians (name, user_sub) VALUES ('Claimed', :sub) RETURNING id)
       INSERT INTO student_guardians (student_id, guardian_id, relationship) SELECT pupil.id, guardian.id, 'father' FROM pupil, guardian`,
      { sub: users.guardian.userId },
    );
    const [attackerClass] = await attacker.db.query<{ id: string; pupil: string }>(
      `SELECT c.id, s.id AS pupil FROM classes c JOIN students s ON s.class_id = c.id WHERE c.name = 'X1'`,
    );
    const intruderDay = await today(attacker);
    expect(
      (
        await users.intruder.call('PUT', `/api/v1/classes/${attackerClass!.id}/attendance/${intruderDay}`, {
          marks: [{ studentId: attackerClass!.pupil, status: 'absent' }],
        })
      ).status,
    ).toBe(200);
    // The victim school: both its students absent; the guardian is linked to one of them only.
    const victimDay = await today(victim);
    expect(
      (
        await users.admin.call('PUT', `/api/v1/classes/${target.classId}/attendance/${victimDay}`, {
          marks: [
            { studentId: target.studentId, status: 'absent' },
            { studentId: target.otherStudentId, status: 'absent' },
          ],
        })
      ).status,
    ).toBe(200);

    const dispatched = async (school: SchoolFixture) =>
      (
        await school.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM notification_requests WHERE kind = 'absence-alert' AND status <> 'pending'`,
        )
      )[0]!.n;
    for (let i = 0; i < 100 && ((await dispatched(victim)) < 2 || (await dispatched(attacker)) < 1); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect([await dispatched(victim), await dispatched(attacker)]).toEqual([2, 1]);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const inbox = await users.guardian.call<{ items: { subject: string; body: string }[] }>(
      'GET',
      '/api/v1/notifications',
    );
    expect(inbox.status).toBe(200);
    expect(inbox.body.items).toHaveLength(1);
    expect(inbox.body.items[0]!.subject).toContain('Other Child');
    const text = JSON.stringify(inbox.body);
    expect(text).not.toContain('Victimson');
    expect(text).not.toContain('Intruderson');
    // One push, for the victim school's one message: the other school's dispatch reaches only its own connections.
    expect(heard).toEqual([JSON.stringify({ type: 'inbox' })]);
    socket.close();
  });

  it('leaves the victim school exactly as it was', async () => {
    const [student] = await victim.db.query<{ given_name: string; status: string }>(
      'SELECT given_name, status FROM students WHERE id = :id::uuid',
      { id: target.studentId },
    );
    expect(student).toEqual({ given_name: 'Zebedee', status: 'active' });
    expect(await victim.db.query('SELECT 1 FROM payments')).toEqual([]);
    expect(await victim.db.query("SELECT 1 FROM attendance WHERE on_date = '2026-09-14'")).toEqual([]);
    expect(await victim.db.query('SELECT 1 FROM scores')).toEqual([]);
    const [integration] = await victim.db.query<{ status: string; secret_rotated_at: string | null }>(
      'SELECT status, secret_rotated_at FROM integrations WHERE id = :id::uuid',
      { id: victimIntegration.id },
    );
    expect(integration).toEqual({ status: 'active', secret_rotated_at: null });
  });

  it('refuses every write of a suspended school and every call of a deleted one', async () => {
    const frozen = await schoolFixture(platform(), 'frozen');
    const frozenAdmin = await frozen.user('school-admin');
    await new TenantDirectory().setStatus(frozen.school.schoolId, ['ACTIVE'], 'SUSPENDED');
    const write = await frozenAdmin.call<{ error: { code: string } }>('POST', '/api/v1/subjects', {
      code: 'X',
      name: 'X',
    });
    expect([write.status, write.body.error.code]).toEqual([403, 'SCHOOL_READ_ONLY']);
    await new TenantDirectory().setStatus(frozen.school.schoolId, ['SUSPENDED'], 'DELETED');
    // The directory is cached for up to 30 s per instance; a fresh school shows a deletion at once.
    const gone = await schoolFixture(platform(), 'gone');
    const goneAdmin = await gone.user('school-admin');
    await new TenantDirectory().setStatus(gone.school.schoolId, ['ACTIVE'], 'DELETED');
    const read = await goneAdmin.call<{ error: { code: string } }>('GET', '/api/v1/students');
    expect([read.status, read.body.error.code]).toEqual([403, 'SCHOOL_UNAVAILABLE']);
  });
});
