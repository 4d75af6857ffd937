import { beforeAll, describe, expect, it } from 'vitest';
import type { Student, StudentProfile } from '../../lambdas/api/students/student.schemas';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { useLocalPlatform } from '../support/local-platform';
import { callApi, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-students');
let oak: SchoolFixture;
let admin: SchoolUser;
let teacher: SchoolUser;
let classId: string;

/** A year, a grade and a class, arranged directly in the school's database. */
async function arrangeClass(fixture: SchoolFixture, name: string): Promise<string> {
  const [row] = await fixture.db.query<{ id: string }>(
    `WITH year AS (
       INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15')
       ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id),
     grade AS (
       INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 7', 7)
       ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id)
     INSERT INTO classes (academic_year_id, grade_level_id, name)
     SELECT year.id, grade.id, :name FROM year, grade RETURNING id`,
    { name },
  );
  return row!.id;
}

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oak');
  [admin, teacher] = await Promise.all([oak.user('school-admin'), oak.user('teacher')]);
  classId = await arrangeClass(oak, '7A');
});

const newStudent = (admissionNo: string, extra: Record<string, unknown> = {}) => ({
  admissionNo,
  givenName: 'Ada',
  familyName: `Lovelace-${admissionNo}`,
  ...extra,
});

describe('students API (real HTTP, real tokens, the school database under its own role)', () => {
  it('enrols a student, writing the audit entry in the same statement', async () => {
    const created = await admin.call<Student>(
      'POST',
      '/api/v1/students',
      newStudent('A-001', { classId, dateOfBirth: '2013-04-02' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      admissionNo: 'A-001',
      className: '7A',
      status: 'active',
      dateOfBirth: '2013-04-02',
    });
    expect(created.roundTrips).toBe(1);
    const audit = await oak.db.query<{ actor: string; action: string; entity_id: string }>(
      "SELECT actor, action, entity_id FROM audit_entries WHERE entity = 'student'",
    );
    expect(audit).toContainEqual({ actor: admin.userId, action: 'create', entity_id: created.body.id });
  });

  it('refuses a second student with the same admission number: 409 on the field, nothing written', async () => {
    const again = await admin.call<{ error: { code: string; fields: { path: string }[] } }>(
      'POST',
      '/api/v1/students',
      newStudent('A-001'),
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    expect(again.body.error.fields).toEqual([{ path: 'body.admissionNo', message: 'is already taken' }]);
    expect(await oak.db.query("SELECT 1 FROM students WHERE admission_no = 'A-001'")).toHaveLength(1);
  });

  it('answers bad input with 400 and the fields at fault', async () => {
    const bad = await admin.call<{ error: { code: string; fields: { path: string }[] } }>('POST', '/api/v1/students', {
      admissionNo: 'has space',
      givenName: '',
      familyName: 'X',
      dateOfBirth: '2013-02-30',
      schoolId: 'someone-else',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.fields.map((f) => f.path).sort()).toEqual(
      ['body', 'body.admissionNo', 'body.dateOfBirth', 'body.givenName'].sort(),
    );
    const missingClass = await admin.call<{ error: { fields: { path: string }[] } }>(
      'POST',
      '/api/v1/students',
      newStudent('A-404', { classId: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(missingClass.status).toBe(400);
    expect(missingClass.body.error.fields).toEqual([{ path: 'body.classId', message: 'does not exist' }]);
    const notJson = await admin.call('POST', '/api/v1/students', '{"admissionNo":');
    expect(notJson.status).toBe(400);
  });

  it('lists by name page by page, searches by name or admission number, and filters by class', async () => {
    for (let i = 2; i <= 7; i++) {
      const status = (await admin.call('POST', '/api/v1/students', newStudent(`A-00${i}`, i % 2 ? { classId } : {})))
        .status;
      expect(status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Student[]; nextCursor: string | null }; roundTrips?: number } =
        await teacher.call('GET', `/api/v1/students?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.roundTrips).toBe(1);
      seen.push(...page.body.items.map((s) => s.admissionNo));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['A-001', 'A-002', 'A-003', 'A-004', 'A-005', 'A-006', 'A-007']);

    const byNumber = await teacher.call<{ items: Student[] }>('GET', '/api/v1/students?q=a-00');
    expect(byNumber.body.items).toHaveLength(7);
    const byName = await teacher.call<{ items: Student[] }>(
      'GET',
      `/api/v1/students?q=${encodeURIComponent('lovelace-a-005')}`,
    );
    expect(byName.body.items.map((s) => s.admissionNo)).toEqual(['A-005']);
    const wildcard = await teacher.call<{ items: Student[] }>('GET', '/api/v1/students?q=%25');
    expect(wildcard.body.items).toEqual([]);
    const inClass = await teacher.call<{ items: Student[] }>(
      'GET',
      `/api/v1/students?classId=${classId}&sort=admissionNo`,
    );
    expect(inClass.body.items.map((s) => s.admissionNo)).toEqual(['A-001', 'A-003', 'A-005', 'A-007']);
    const badCursor = await teacher.call('GET', '/api/v1/students?cursor=nonsense');
    expect(badCursor.status).toBe(400);
  });

  it('shows a profile with guardians, attendance rate, latest grades and fee balance in one round trip', async () => {
    const student = (await admin.call<Student>('POST', '/api/v1/students', newStudent('P-001', { classId }))).body;
    await oak.db.execute(
      `WITH g AS (INSERT INTO guardians (name, email) VALUES ('Grace', 'grace@example.test') RETURNING id)
       INSERT INTO student_guardians (student_id, guardian_id, relationship) SELECT :id::uuid, g.id, 'mother' FROM g`,
      { id: student.id },
    );
    await oak.db.execute(
      `INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
       SELECT :id::uuid, d::date, :classId::uuid, CASE WHEN d::date = '2026-09-03' THEN 'absent' ELSE 'present' END, 'seed'
         FROM generate_series('2026-09-01'::date, '2026-09-04'::date, '1 day') d`,
      { id: student.id, classId },
    );
    const profile = await teacher.call<StudentProfile>('GET', `/api/v1/students/${student.id}`);
    expect(profile.status).toBe(200);
    expect(profile.roundTrips).toBe(1);
    expect(profile.body.guardians).toEqual([
      expect.objectContaining({ name: 'Grace', relationship: 'mother', email: 'grace@example.test' }),
    ]);
    expect(profile.body.attendance).toEqual({ days: 4, present: 3, rate: 0.75 });
    expect(profile.body.latestGrades).toEqual([]);
    expect(profile.body.feeBalanceMinor).toBe(0);
    expect((await teacher.call('GET', '/api/v1/students/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await teacher.call('GET', '/api/v1/students/not-a-uuid')).status).toBe(400);
  });

  it('changes details with before and after in the audit log, and withdraws once', async () => {
    const student = (await admin.call<Student>('POST', '/api/v1/students', newStudent('W-001', { classId }))).body;
    const changed = await admin.call<Student>('PATCH', `/api/v1/students/${student.id}`, { givenName: 'Augusta' });
    expect(changed.body).toMatchObject({ givenName: 'Augusta', className: '7A' });
    const [entry] = await oak.db.query<{ before: string; after: string }>(
      "SELECT before::text, after::text FROM audit_entries WHERE action = 'update' AND entity_id = :id",
      { id: student.id },
    );
    expect(JSON.parse(entry!.before).given_name).toBe('Ada');
    expect(JSON.parse(entry!.after).given_name).toBe('Augusta');

    const withdrawn = await admin.call<Student>('POST', `/api/v1/students/${student.id}/withdraw`, {
      on: '2026-10-01',
      reason: 'Moved away',
    });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawnOn: '2026-10-01', classId: null });
    const twice = await admin.call<{ error: { code: string } }>('POST', `/api/v1/students/${student.id}/withdraw`, {
      on: '2026-10-02',
      reason: 'Again',
    });
    expect(twice.status).toBe(409);
    expect(twice.roundTrips).toBe(2);
  });

  it('lets only the roles of the manifest in', async () => {
    expect((await teacher.call('POST', '/api/v1/students', newStudent('T-001'))).status).toBe(403);
    const guardian = await oak.user('guardian');
    expect((await guardian.call('GET', '/api/v1/students')).status).toBe(403);
    expect((await callApi(platform().url, undefined, 'GET', '/api/v1/students')).status).toBe(401);
  });

  it("never shows one school's students to another: the school comes from the token only", async () => {
    const elm = await schoolFixture(platform(), 'elm');
    const elmAdmin = await elm.user('school-admin');
    const [oakStudent] = await oak.db.query<{ id: string }>("SELECT id FROM students WHERE admission_no = 'A-001'");
    expect((await elmAdmin.call('GET', `/api/v1/students/${oakStudent!.id}`)).status).toBe(404);
    expect(
      (await elmAdmin.call<{ items: unknown[] }>('GET', `/api/v1/students?schoolId=${oak.school.schoolId}`)).status,
    ).toBe(400);
    expect((await elmAdmin.call<{ items: unknown[] }>('GET', '/api/v1/students')).body.items).toEqual([]);
  });

  it('keeps a suspended school readable but refuses changes, and refuses a deleted one', async () => {
    const pine = await schoolFixture(platform(), 'pine');
    const pineAdmin = await pine.user('school-admin');
    const directory = new TenantDirectory();
    await directory.setStatus(pine.school.schoolId, ['ACTIVE'], 'SUSPENDED');
    expect((await pineAdmin.call('GET', '/api/v1/students')).status).toBe(200);
    const write = await pineAdmin.call<{ error: { code: string } }>('POST', '/api/v1/students', newStudent('S-1'));
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('SCHOOL_READ_ONLY');

    const fir = await schoolFixture(platform(), 'fir');
    const firAdmin = await fir.user('school-admin');
    await directory.setStatus(fir.school.schoolId, ['ACTIVE'], 'DELETED');
    const refused = await firAdmin.call<{ error: { code: string } }>('GET', '/api/v1/students');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('SCHOOL_UNAVAILABLE');
  });
});
