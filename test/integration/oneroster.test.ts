import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradebookRoutes, rosteringRoutes } from '../../lambdas/api/oneroster/oneroster.routes';
import type { IntegrationScopeName } from '../../lambdas/shared/integration-scopes';
import { projectRoot } from '../../lib/project';
import { useLocalPlatform } from '../support/local-platform';
import {
  type ApiResponse,
  callApi,
  exampleSettings,
  type SchoolFixture,
  type SchoolUser,
  schoolFixture,
} from '../support/school-fixture';
import { clientCredentialsGrant } from '../support/sign-in';

/**
 * OneRoster 1.2 through real HTTP on the local platform: an integration's client-credentials token
 * reads the school's rostering and gradebook at `/ims/oneroster/…`, every answer held against the
 * OneRoster 1.2 JSON schema written from the spec (test/fixtures/oneroster-1.2), with the spec's
 * list semantics (paging, sort, filter, fields), its errors (imsx_StatusInfo) and a result sent
 * back into the school's gradebook.
 */
const platform = useLocalPlatform('oneroster');
const rostering = '/ims/oneroster/rostering/v1p2';
const gradebook = '/ims/oneroster/gradebook/v1p2';

const schema = JSON.parse(
  readFileSync(join(projectRoot, 'test/fixtures/oneroster-1.2/oneroster-1.2.schema.json'), 'utf8'),
) as { $id: string };
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(schema);
const validatorOf = (type: string) => ajv.getSchema(`${schema.$id}#/$defs/${type}`)!;

/** The record type of each answer's wrapper key. */
const typeOfKey: Record<string, string> = {
  orgs: 'org',
  org: 'org',
  academicSessions: 'academicSession',
  academicSession: 'academicSession',
  courses: 'course',
  course: 'course',
  classes: 'class',
  class: 'class',
  users: 'user',
  user: 'user',
  enrollments: 'enrollment',
  enrollment: 'enrollment',
  categories: 'category',
  category: 'category',
  lineItems: 'lineItem',
  lineItem: 'lineItem',
  results: 'result',
  result: 'result',
  scoreScales: 'scoreScale',
  scoreScale: 'scoreScale',
};

/** Throws unless every record of an answer (a list or one) is valid OneRoster 1.2. */
function expectValidRecords(body: Record<string, unknown>): Record<string, unknown>[] {
  const [key, value] = Object.entries(body)[0]!;
  const validate = validatorOf(typeOfKey[key]!);
  const records = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
  for (const record of records) {
    if (!validate(record)) {
      throw new Error(
        `${key} record not valid OneRoster 1.2: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(record)}`,
      );
    }
  }
  return records;
}

const statusInfo = validatorOf('imsx_StatusInfo');

/** Expects a refusal in OneRoster's shape with this status and code minor. */
function expectRefusal(response: ApiResponse, status: number, codeMinor: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(statusInfo(response.body), ajv.errorsText(statusInfo.errors)).toBe(true);
  expect(response.body).toMatchObject({
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_CodeMinor: { imsx_codeMinorField: [{ imsx_codeMinorFieldValue: codeMinor }] },
  });
}

let school: SchoolFixture;
let admin: SchoolUser;
let ids: Record<string, string>;
let integrationId: string;
let token: string;

beforeAll(async () => {
  school = await schoolFixture(platform(), 'rosterhigh');
  admin = await school.user('school-admin');
  const teacher = await school.user('teacher');
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  const [seeded] = await school.db.query<Record<string, string>>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('2026/27', DATE '2026-09-14', DATE '2027-07-09') RETURNING *),
     terms AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
               SELECT id, t.name, t.s, t.e FROM year,
                      (VALUES ('1.º Período', DATE '2026-09-14', DATE '2026-12-18'),
                              ('2.º Período', DATE '2027-01-04', DATE '2027-03-26')) t(name, s, e) RETURNING *),
     grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('7.º ano', 7) RETURNING id),
     staff_rows AS (INSERT INTO staff (user_sub, email, name, role)
                    VALUES (:admin, 'helena@rosterhigh.test', 'Helena Costa', 'school-admin'),
                           (:teacher, 'joao@rosterhigh.test', 'João Matos', 'teacher'),
                           (NULL, 'rita@rosterhigh.test', 'Rita Lopes', 'teacher') RETURNING *),
     classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name, homeroom_teacher_id)
                 SELECT year.id, grade.id, c.name,
                        CASE WHEN c.name = '7A' THEN (SELECT id FROM staff_rows WHERE email LIKE 'rita%') END
                   FROM year, grade, (VALUES ('7A'), ('7B')) c(name) RETURNING *),
     subjects AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Matemática'), ('POR', 'Português') RETURNING *),
     assigned AS (INSERT INTO teaching_assignments (staff_id, class_id, subject_id)
                  SELECT st.id, c.id, sub.id FROM staff_rows st, classes c, subjects sub
                   WHERE (st.email LIKE 'joao%' AND sub.code = 'MAT')
                      OR (st.email LIKE 'rita%' AND sub.code = 'POR' AND c.name = '7A')),
     pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                SELECT p.no, p.given, p.family, (SELECT id FROM classes WHERE name = p.klass)
                  FROM (VALUES ('R-1', 'Ana', 'Silva', '7A'), ('R-2', 'Bruno', 'Silva', '7A'),
                               ('R-3', 'Carla', 'Costa', '7A'), ('R-4', 'Duarte', 'Dias', '7A'),
                               ('R-5', 'Eva', 'Esteves', '7B'), ('R-6', 'Filipe', 'Fonseca', '7B')) p(no, given, family, klass)
                RETURNING *),
     parents AS (INSERT INTO guardians (name, email) VALUES ('Marta Silva', 'marta@rosterhigh.test'),
                                                            ('Rui Costa', 'rui@rosterhigh.test') RETURNING *),
     links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
               SELECT p.id, g.id, CASE WHEN g.name LIKE 'Marta%' THEN 'mother' ELSE 'uncle' END
                 FROM pupils p JOIN parents g ON (p.family_name = 'Silva' AND g.name LIKE 'Marta%')
                                              OR (p.given_name = 'Carla' AND g.name LIKE 'Rui%')),
     tests AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
               SELECT c.id, sub.id, t.id, a.name, a.max, t.starts_on + 20
                 FROM classes c, subjects sub, terms t,
                      (VALUES ('7A', 'MAT', 'Teste 1', 20), ('7A', 'MAT', 'Teste 2', 20), ('7A', 'POR', 'Ficha', 100),
                              ('7B', 'MAT', 'Teste 1', 20)) a(klass, code, name, max)
                WHERE c.name = a.klass AND sub.code = a.code AND t.name = '1.º Período' RETURNING *),
     marks AS (INSERT INTO scores (assessment_id, student_id, score, entered_by)
               SELECT a.id, p.id, 10 + length(p.given_name), :teacher
                 FROM tests a JOIN pupils p ON p.class_id = a.class_id
                WHERE NOT (a.name = 'Teste 2' AND p.given_name = 'Duarte'))
     SELECT (SELECT id::text FROM year) AS year,
            (SELECT id::text FROM terms WHERE name = '1.º Período') AS term,
            (SELECT id::text FROM classes WHERE name = '7A') AS "homeroom7A",
            (SELECT id::text FROM classes WHERE name = '7B') AS "homeroom7B",
            (SELECT roster_id('class', c.id, sub.id)::text FROM classes c, subjects sub WHERE c.name = '7A' AND sub.code = 'MAT') AS "math7A",
            (SELECT roster_id('course', c.grade_level_id, sub.id)::text FROM classes c, subjects sub WHERE c.name = '7A' AND sub.code = 'MAT') AS "mathCourse",
            (SELECT id::text FROM staff_rows WHERE email LIKE 'joao%') AS teacher,
            (SELECT id::text FROM pupils WHERE given_name = 'Ana') AS ana,
            (SELECT id::text FROM pupils WHERE given_name = 'Bruno') AS bruno,
            (SELECT id::text FROM pupils WHERE given_name = 'Carla') AS carla,
            (SELECT id::text FROM pupils WHERE given_name = 'Duarte') AS duarte,
            (SELECT id::text FROM pupils WHERE given_name = 'Eva') AS eva,
            (SELECT id::text FROM parents WHERE name LIKE 'Marta%') AS marta,
            (SELECT id::text FROM parents WHERE name LIKE 'Rui%') AS rui,
            (SELECT id::text FROM tests WHERE name = 'Teste 2') AS "test2",
            (SELECT id::text FROM tests WHERE name = 'Teste 1' AND class_id = (SELECT id FROM classes WHERE name = '7B')) AS "test7B"`,
    { admin: admin.userId, teacher: teacher.userId },
  );
  ids = seeded!;
  const registered = await admin.call<{ integration: { id: string; clientId: string }; clientSecret: string }>(
    'POST',
    '/api/v1/integrations',
    {
      name: 'Moodle',
      scopes: ['roster.readonly', 'gradebook.readonly', 'gradebook.createput'],
      requestsPerMinute: 6000,
    },
  );
  expect(registered.status).toBe(201);
  integrationId = registered.body.integration.id;
  const granted = await clientCredentialsGrant(
    platform().url,
    registered.body.integration.clientId,
    registered.body.clientSecret,
    ['roster.readonly', 'gradebook.readonly', 'gradebook.createput'] satisfies IntegrationScopeName[],
  );
  token = granted.body.access_token!;
});

const get = <T = Record<string, unknown>>(path: string, as = token) => callApi<T>(platform().url, as, 'GET', path);

describe('OneRoster 1.2 rostering and gradebook', () => {
  it('answers every endpoint with records valid against the OneRoster 1.2 schema, in at most two round trips', async () => {
    const lineItems = expectValidRecords((await get(`${gradebook}/classes/${ids.math7A}/lineItems`)).body);
    const firstOf = async (path: string) =>
      (Object.values((await get(`${path}?limit=1`)).body)[0] as { sourcedId: string }[])[0]!.sourcedId;
    const params: Record<string, string> = {
      academicSessionSourcedId: ids.year!,
      classSourcedId: ids.math7A!,
      courseSourcedId: ids.mathCourse!,
      enrollmentSourcedId: await firstOf(`${rostering}/enrollments`),
      gradingPeriodSourcedId: await firstOf(`${rostering}/gradingPeriods`),
      orgSourcedId: school.school.schoolId,
      schoolSourcedId: school.school.schoolId,
      studentSourcedId: ids.ana!,
      teacherSourcedId: ids.teacher!,
      termSourcedId: ids.term!,
      userSourcedId: ids.ana!,
      categorySourcedId: await firstOf(`${gradebook}/categories`),
      lineItemSourcedId: lineItems[0]!.sourcedId as string,
      resultSourcedId: await firstOf(`${gradebook}/results`),
      scoreScaleSourcedId: await firstOf(`${gradebook}/scoreScales`),
    };
    const reads = [...rosteringRoutes.routes, ...gradebookRoutes.routes].filter((route) => route.method === 'GET');
    expect(reads).toHaveLength(39 + 15);
    for (const route of reads) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
      const answer = await get(path);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
      const records = expectValidRecords(answer.body);
      expect(records.length, path).toBeGreaterThan(0);
      expect(answer.roundTrips, path).toBeLessThanOrEqual(2);
    }
  });

  it("maps the school's own data: the org, sessions, courses, classes, people with their roles, and enrollments", async () => {
    const count = async (path: string) => Number((await get(`${path}?limit=1`)).headers.get('x-total-count'));
    expect(await count(`${rostering}/orgs`)).toBe(1);
    // One school year, its two terms, a grading period for each term.
    expect(await count(`${rostering}/academicSessions`)).toBe(5);
    // The grade level (homeroom course), and each subject taught in it.
    expect(await count(`${rostering}/courses`)).toBe(3);
    // Two homerooms; maths in both, Portuguese in 7A.
    expect(await count(`${rostering}/classes`)).toBe(5);
    // Three staff, six students, two guardians.
    expect(await count(`${rostering}/users`)).toBe(11);
    expect(await count(`${rostering}/students`)).toBe(6);
    expect(await count(`${rostering}/teachers`)).toBe(2);
    // Six homeroom places, ten subject places (4 × 2 + 2 × 1), three subject teachers and one homeroom teacher.
    expect(await count(`${rostering}/enrollments`)).toBe(20);

    const maths = (await get<{ class: Record<string, unknown> }>(`${rostering}/classes/${ids.math7A}`)).body.class;
    expect(maths).toMatchObject({
      title: '7A · Matemática',
      classType: 'scheduled',
      classCode: 'MAT',
      course: { sourcedId: ids.mathCourse, type: 'course' },
      school: { sourcedId: school.school.schoolId, type: 'org' },
    });
    expect(maths.terms).toHaveLength(2);
    const ana = (await get<{ user: Record<string, unknown> }>(`${rostering}/users/${ids.ana}`)).body.user;
    expect(ana).toMatchObject({
      givenName: 'Ana',
      familyName: 'Silva',
      enabledUser: 'true',
      roles: [{ roleType: 'primary', role: 'student', org: { sourcedId: school.school.schoolId } }],
      agents: [{ sourcedId: ids.marta, type: 'user' }],
      userIds: [{ type: 'admissionNumber', identifier: 'R-1' }],
    });
    const marta = (await get<{ user: Record<string, unknown> }>(`${rostering}/users/${ids.marta}`)).body.user;
    expect(marta).toMatchObject({ roles: [{ role: 'parent' }], email: 'marta@rosterhigh.test' });
    expect((marta.agents as { sourcedId: string }[]).map((agent) => agent.sourcedId).sort()).toEqual(
      [ids.ana, ids.bruno].sort(),
    );
    const students = (await get<{ users: { givenName: string }[] }>(`${rostering}/classes/${ids.math7A}/students`)).body
      .users;
    expect(students.map((s) => s.givenName).sort()).toEqual(['Ana', 'Bruno', 'Carla', 'Duarte']);
    const teachers = (await get<{ users: { givenName: string }[] }>(`${rostering}/classes/${ids.homeroom7A}/teachers`))
      .body.users;
    expect(teachers.map((t) => t.givenName)).toEqual(['Rita']);
    // The same data gives the same ids on every read.
    const again = (await get<{ class: { sourcedId: string } }>(`${rostering}/classes/${ids.math7A}`)).body.class;
    expect(again.sourcedId).toBe(ids.math7A);
  });

  it('pages with limit and offset, X-Total-Count and Link, and sorts by a field either way', async () => {
    const seen: string[] = [];
    let link = '';
    for (const offset of [0, 2, 4]) {
      const page = await get<{ users: { familyName: string; givenName: string }[] }>(
        `${rostering}/students?limit=2&offset=${offset}&sort=familyName`,
      );
      expect(page.headers.get('x-total-count')).toBe('6');
      seen.push(...page.body.users.map((u) => `${u.familyName} ${u.givenName}`));
      if (offset === 0) link = page.headers.get('link')!;
      // OneRoster is versioned by its own paths, not by the platform's API versions.
      expect(page.headers.get('api-version')).toBeNull();
    }
    // Sorted by family name (ties in id order), each student once.
    expect(seen.map((name) => name.split(' ')[0])).toEqual(['Costa', 'Dias', 'Esteves', 'Fonseca', 'Silva', 'Silva']);
    expect(new Set(seen).size).toBe(6);
    expect(link).toContain('rel="next"');
    expect(link).toMatch(/offset=2[^>]*>; rel="next"/);
    expect(link).toMatch(/offset=4[^>]*>; rel="last"/);
    const descending = await get<{ users: { familyName: string }[] }>(
      `${rostering}/students?sort=familyName&orderBy=desc&limit=1`,
    );
    expect(descending.body.users[0]!.familyName).toBe('Silva');
    const past = await get<{ users: unknown[] }>(`${rostering}/students?offset=50`);
    expect(past.body.users).toEqual([]);
    expect(past.headers.get('x-total-count')).toBe('6');
    // The default page is 100.
    expect((await get<{ users: unknown[] }>(`${rostering}/users`)).body.users).toHaveLength(11);
  });

  it("filters with the spec's grammar (=, !=, >, <, ~, AND, OR) and selects fields", async () => {
    const names = async (filter: string) =>
      (
        await get<{ users: { givenName: string }[] }>(`${rostering}/students?filter=${encodeURIComponent(filter)}`)
      ).body.users
        .map((u) => u.givenName)
        .sort();
    expect(await names("familyName='Silva'")).toEqual(['Ana', 'Bruno']);
    expect(await names("familyName='Silva' AND givenName='Ana'")).toEqual(['Ana']);
    expect(await names("familyName='Silva' OR familyName='Costa'")).toEqual(['Ana', 'Bruno', 'Carla']);
    expect(await names("givenName~'ar'")).toEqual(['Carla', 'Duarte']);
    expect(await names("familyName!='Silva'")).toHaveLength(4);
    expect(await names("familyName>'E'")).toEqual(['Ana', 'Bruno', 'Eva', 'Filipe']);
    expect(await names("status='active'")).toHaveLength(6);
    const selected = await get<{ users: Record<string, unknown>[] }>(
      `${rostering}/students?fields=sourcedId,givenName&limit=1`,
    );
    expect(Object.keys(selected.body.users[0]!).sort()).toEqual(['givenName', 'sourcedId']);
    const one = await get<{ user: Record<string, unknown> }>(`${rostering}/users/${ids.ana}?fields=familyName`);
    expect(one.body.user).toEqual({ familyName: 'Silva' });

    const refused = async (query: string, codeMinor: string) =>
      expectRefusal(await get(`${rostering}/students?${query}`), 400, codeMinor);
    await refused(`filter=${encodeURIComponent("shoeSize='42'")}`, 'invalid_filter_field');
    await refused(`filter=${encodeURIComponent('familyName=Silva')}`, 'invalid_filter_field');
    await refused(
      `filter=${encodeURIComponent("familyName='Silva' AND givenName='Ana' OR givenName='Eva'")}`,
      'invalid_filter_field',
    );
    await refused(`filter=${encodeURIComponent("dateLastModified>'yesterday'")}`, 'invalid_filter_field');
    await refused('fields=sourcedId,shoeSize', 'invalid_selection_field');
    await refused('sort=shoeSize', 'invaliddata');
    await refused('limit=0', 'invaliddata');
  });

  it('gives a delta sync what changed since a time, removals included as tobedeleted', async () => {
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await admin.call('PATCH', `/api/v1/students/${ids.eva}`, { familyName: 'Esteves Rocha' })).status).toBe(
      200,
    );
    // Bruno moves from 7A to 7B: his places in 7A's classes end.
    expect((await admin.call('PATCH', `/api/v1/students/${ids.bruno}`, { classId: ids.homeroom7B })).status).toBe(200);
    const changed = `filter=${encodeURIComponent(`dateLastModified>'${since}'`)}`;
    const users = (await get<{ users: { sourcedId: string; familyName: string }[] }>(`${rostering}/users?${changed}`))
      .body.users;
    expect(users.map((u) => u.sourcedId).sort()).toEqual([ids.bruno, ids.eva].sort());
    const enrollments = (
      await get<{ enrollments: { status: string; user: { sourcedId: string }; class: { sourcedId: string } }[] }>(
        `${rostering}/enrollments?${changed}`,
      )
    ).body.enrollments;
    expectValidRecords({ enrollments });
    const bruno = enrollments.filter((e) => e.user.sourcedId === ids.bruno);
    expect(bruno.filter((e) => e.status === 'tobedeleted').map((e) => e.class.sourcedId)).toContain(ids.homeroom7A);
    expect(bruno.filter((e) => e.status === 'tobedeleted').map((e) => e.class.sourcedId)).toContain(ids.math7A);
    expect(bruno.filter((e) => e.status === 'active').map((e) => e.class.sourcedId)).toContain(ids.homeroom7B);
    // Back in 7A, his places there are active again, not removed.
    expect((await admin.call('PATCH', `/api/v1/students/${ids.bruno}`, { classId: ids.homeroom7A })).status).toBe(200);
    const students = (await get<{ users: { givenName: string }[] }>(`${rostering}/classes/${ids.math7A}/students`)).body
      .users;
    expect(students.map((s) => s.givenName)).toContain('Bruno');
  });

  it('refuses in imsx_StatusInfo: an unknown record or parent (404), a scope the token lacks (403), past the rate (429)', async () => {
    expectRefusal(await get(`${rostering}/users/no-such-user`), 404, 'unknownobject');
    expectRefusal(await get(`${rostering}/classes/no-such-class/students`), 404, 'unknownobject');
    expectRefusal(await get(`${rostering}/students/${ids.teacher}`), 404, 'unknownobject');
    expectRefusal(await get(`${rostering}/schools/${ids.year}/classes`), 404, 'unknownobject');

    const core = await admin.call<{ integration: { clientId: string }; clientSecret: string }>(
      'POST',
      '/api/v1/integrations',
      {
        name: 'Library',
        scopes: ['roster-core.readonly'],
        requestsPerMinute: 1,
      },
    );
    const coreToken = (
      await clientCredentialsGrant(platform().url, core.body.integration.clientId, core.body.clientSecret, [
        'roster-core.readonly',
      ])
    ).body.access_token!;
    expect((await get(`${rostering}/students`, coreToken)).status).toBe(200);
    // The lists under another record need roster.readonly; the gradebook its own scopes.
    expectRefusal(await get(`${rostering}/classes/${ids.math7A}/students`, coreToken), 403, 'forbidden');
    expectRefusal(await get(`${gradebook}/results`, coreToken), 403, 'forbidden');
    const limited = await get(`${rostering}/orgs`, coreToken);
    expectRefusal(limited, 429, 'server_busy');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Without a token the gateway refuses before any handler runs.
    expect((await get(`${rostering}/students`, 'not-a-token')).status).toBe(401);
  });

  it("takes a result into the school's gradebook (createput), validated and audited as the integration's", async () => {
    const resultId = 'moodle-grade-4711';
    const result = {
      sourcedId: resultId,
      status: 'active',
      lineItem: { sourcedId: ids.test2, type: 'lineItem' },
      student: { sourcedId: ids.duarte, type: 'user' },
      scoreStatus: 'fully graded',
      score: 15,
      scoreDate: '2026-10-05',
    };
    const put = (body: unknown, id = resultId) =>
      callApi<{ result: Record<string, unknown> }>(platform().url, token, 'PUT', `${gradebook}/results/${id}`, body);
    const created = await put({ result });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectValidRecords(created.body);
    expect(created.body.result).toMatchObject({
      sourcedId: resultId,
      score: 15,
      scoreStatus: 'fully graded',
      lineItem: { sourcedId: ids.test2 },
      student: { sourcedId: ids.duarte },
      class: { sourcedId: ids.math7A },
    });
    expect((await get<{ result: unknown }>(`${gradebook}/results/${resultId}`)).body.result).toEqual(
      created.body.result,
    );
    // In the school's gradebook, as the teacher sees it.
    const scores = await admin.call<{ students: { studentId: string; score: number | null }[] }>(
      'GET',
      `/api/v1/assessments/${ids.test2}/scores`,
    );
    expect(scores.body.students.find((s) => s.studentId === ids.duarte)!.score).toBe(15);
    // Sent again: nothing changes, and the audit log has the one entry, the integration's.
    expect((await put({ result })).status).toBe(200);
    const changedAgain = await put({ result: { ...result, score: 17 } });
    expect(changedAgain.status).toBe(200);
    expect(changedAgain.body.result.score).toBe(17);
    const [audit] = await school.db.query<{ entries: number; actors: string }>(
      `SELECT count(*)::int AS entries, string_agg(DISTINCT actor, ',') AS actors FROM audit_log
        WHERE entity = 'score' AND entity_id = :test2`,
      { test2: ids.test2! },
    );
    expect(audit).toEqual({ entries: 2, actors: `integration:${integrationId}` });

    // Refused, and nothing written: above the maximum, a student not in the class, a second id for one score.
    const refusedFor = async (body: unknown, status: number, codeMinor: string, id = resultId) =>
      expectRefusal(await put(body, id), status, codeMinor);
    await refusedFor({ result: { ...result, score: 21 } }, 400, 'invaliddata');
    await refusedFor({ result: { ...result, student: { sourcedId: ids.eva } } }, 400, 'invaliddata', 'other-id');
    await refusedFor({ result: { ...result, sourcedId: undefined } }, 422, 'invaliddata', 'second-id');
    await refusedFor({ result: { ...result, scoreStatus: 'submitted' } }, 400, 'invaliddata');
    await refusedFor({ result: { ...result, status: 'tobedeleted' } }, 400, 'invaliddata');
    await refusedFor({ result: { ...result, textScore: 'B+' } }, 400, 'invaliddata');
    await refusedFor({ result: { ...result, lineItem: { sourcedId: 'nothing' } } }, 404, 'unknownobject');
    expect((await get<{ result: { score: number } }>(`${gradebook}/results/${resultId}`)).body.result.score).toBe(17);
  });

  it('shows nothing of a student whose guardian refused integrations, and tells a delta sync to delete them', async () => {
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const decide = async (status: string) =>
      expect(
        (await admin.call('PUT', `/api/v1/students/${ids.carla}/consents/integrations`, { status, method: 'paper' }))
          .status,
      ).toBe(200);
    await decide('refused');
    // Only her removal is left: her id, tobedeleted, nothing else of her.
    const students = (
      await get<{ users: { sourcedId: string; status: string; givenName: string }[] }>(`${rostering}/students`)
    ).body.users;
    expect(students.filter((s) => s.sourcedId === ids.carla)).toEqual([
      expect.objectContaining({ status: 'tobedeleted', givenName: '', familyName: '' }),
    ]);
    expect(JSON.stringify(students)).not.toContain('Carla');
    const enrollments = (
      await get<{ enrollments: { status: string; user: { sourcedId: string } }[] }>(`${rostering}/enrollments`)
    ).body.enrollments;
    const hers = enrollments.filter((e) => e.user.sourcedId === ids.carla);
    expect(hers.length).toBeGreaterThan(0);
    expect(hers.every((e) => e.status === 'tobedeleted')).toBe(true);
    const results = (await get<{ results: { student: { sourcedId: string } }[] }>(`${gradebook}/results?limit=500`))
      .body.results;
    expect(results.some((r) => r.student.sourcedId === ids.carla)).toBe(false);
    expect(
      (await get<{ users: { sourcedId: string }[] }>(`${rostering}/classes/${ids.math7A}/students`)).body.users.map(
        (u) => u.sourcedId,
      ),
    ).not.toContain(ids.carla);
    // Her uncle was a user only through her: removed too, his name gone.
    const rui = (await get<{ user: Record<string, unknown> }>(`${rostering}/users/${ids.rui}`)).body.user;
    expect(rui).toMatchObject({ status: 'tobedeleted', givenName: '', roles: [{ role: 'guardian' }] });
    // A delta sync since before the refusal learns all of it.
    const delta = `filter=${encodeURIComponent(`dateLastModified>'${since}'`)}`;
    const removed = (await get<{ users: { sourcedId: string; status: string }[] }>(`${rostering}/users?${delta}`)).body
      .users;
    expect(
      removed
        .filter((u) => u.status === 'tobedeleted')
        .map((u) => u.sourcedId)
        .sort(),
    ).toEqual([ids.carla, ids.rui].sort());
    expectRefusal(
      await callApi(platform().url, token, 'PUT', `${gradebook}/results/for-carla`, {
        result: {
          lineItem: { sourcedId: ids.test2 },
          student: { sourcedId: ids.carla },
          scoreStatus: 'fully graded',
          score: 3,
        },
      }),
      400,
      'invaliddata',
    );

    // Consent given again: she is back, and a delta sync since then sees her.
    const given = new Date(Date.now() - 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await decide('given');
    const back = (
      await get<{ users: { sourcedId: string; status: string }[] }>(
        `${rostering}/students?filter=${encodeURIComponent(`dateLastModified>'${given}'`)}`,
      )
    ).body.users;
    expect(back).toEqual([expect.objectContaining({ sourcedId: ids.carla, status: 'active', givenName: 'Carla' })]);
  });

  it('lists staff of another role who teach among the teachers, with a secondary teacher role', async () => {
    await school.db.execute(
      `INSERT INTO teaching_assignments (staff_id, class_id, subject_id)
       SELECT st.id, c.id, sub.id FROM staff st, classes c, subjects sub
        WHERE st.role = 'school-admin' AND c.name = '7B' AND sub.code = 'POR'`,
    );
    const teachers = (
      await get<{ users: { givenName: string; roles: { roleType: string; role: string }[] }[] }>(
        `${rostering}/teachers`,
      )
    ).body.users;
    const helena = teachers.find((t) => t.givenName === 'Helena')!;
    expect(helena.roles.map((r) => `${r.roleType} ${r.role}`)).toEqual([
      'primary siteAdministrator',
      'secondary teacher',
    ]);
    const term = (await get<{ academicSession: { endDate: string } }>(`${rostering}/terms/${ids.term}`)).body
      .academicSession;
    // The spec's end dates are exclusive: the term's last day is 18 December.
    expect(term.endDate).toBe('2026-12-19');
  });
});
