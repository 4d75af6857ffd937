import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogPage } from '../../lambdas/api/privacy/access-log.schemas';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

/**
 * The access log (FERPA's record of disclosures) through real HTTP on the local platform: every
 * read of a part of a student's record by a person is logged in the read's own statement (the
 * routes keep their two round trips), and a school admin, or the child's guardian, sees who looked.
 */
const platform = useLocalPlatform('access-log', { directoryCacheSeconds: 0 });
let oak: SchoolFixture;
let admin: SchoolUser;
let teacher: SchoolUser;
let bursar: SchoolUser;
let guardian: SchoolUser;
let otherGuardian: SchoolUser;
let childId: string;
let termId: string;

const logged = async () =>
  (
    await oak.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_log WHERE student_id = :id::uuid`, {
      id: childId,
    })
  )[0]!.n;

/** Reads as `user`, expecting one of `statuses`, within the API's two round trips. */
async function read(user: SchoolUser, path: string, statuses: number[] = [200]) {
  const response = await user.call('GET', path);
  expect(statuses, `${path}: ${JSON.stringify(response.body)}`).toContain(response.status);
  // A request refused by its role never reaches the database, and has no count.
  if (response.status !== 403) expect(response.roundTrips, path).toBeLessThanOrEqual(2);
  return response;
}

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakaccess');
  admin = await oak.user('school-admin');
  teacher = await oak.user('teacher');
  bursar = await oak.user('bursar');
  guardian = await oak.user('guardian', { email: 'mae@oakaccess.test' });
  otherGuardian = await oak.user('guardian', { email: 'pai@oakaccess.test' });
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  const [ids] = await oak.db.query<{ child: string; term: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('Now', current_date - 60, current_date + 200) RETURNING id),
     term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
              SELECT id, 'Term 1', current_date - 60, current_date + 30 FROM year RETURNING id),
     grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('6', 6) RETURNING id),
     class AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '6A' FROM year, grade RETURNING id),
     pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                SELECT p, 'Pupil ' || p, 'Access', class.id FROM class, (VALUES ('a'), ('b')) v(p) RETURNING *),
     parents AS (INSERT INTO guardians (name, email, user_sub)
                 VALUES ('Marta Mãe', 'mae@oakaccess.test', :guardian), ('Paulo Pai', 'pai@oakaccess.test', :other)
                 RETURNING *),
     links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
               SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g
                 ON (p.admission_no = 'a') = (g.email LIKE 'mae%')),
     people AS (INSERT INTO staff (user_sub, email, name, role)
                VALUES (:admin, 'ana@oakaccess.test', 'Ana Admin', 'school-admin'),
                       (:teacher, 'tomas@oakaccess.test', 'Tomás Teacher', 'teacher'),
                       (:bursar, 'beatriz@oakaccess.test', 'Beatriz Bursar', 'bursar'))
     SELECT (SELECT id FROM pupils WHERE admission_no = 'a') AS child, (SELECT id FROM term) AS term`,
    {
      guardian: guardian.userId,
      other: otherGuardian.userId,
      admin: admin.userId,
      teacher: teacher.userId,
      bursar: bursar.userId,
    },
  );
  childId = ids!.child;
  termId = ids!.term;
});

describe('the access log', () => {
  it("logs each read of a student's record by staff, in the read's own round trips", async () => {
    const period = 'from=2026-09-01&to=2027-06-30';
    await read(admin, `/api/v1/students/${childId}`);
    await read(admin, `/api/v1/students/${childId}/attendance?${period}`);
    await read(admin, `/api/v1/students/${childId}/report-card?termId=${termId}`);
    await read(admin, `/api/v1/analytics/students/${childId}`, [404]);
    await read(teacher, `/api/v1/students/${childId}`);
    await read(bursar, `/api/v1/students/${childId}`);
    const log = await read(admin, `/api/v1/students/${childId}/access-log`);
    const items = (log.body as AccessLogPage).items;
    expect(items.map((i) => [i.who, i.role, i.part])).toEqual([
      ['Beatriz Bursar', 'bursar', 'profile'],
      ['Tomás Teacher', 'teacher', 'profile'],
      ['Ana Admin', 'school-admin', 'analytics'],
      ['Ana Admin', 'school-admin', 'report-card'],
      ['Ana Admin', 'school-admin', 'attendance'],
      ['Ana Admin', 'school-admin', 'profile'],
    ]);
    expect(items[0]!.requestId).toBeTruthy();
    expect(new Set(items.map((i) => i.requestId)).size).toBe(items.length);
  });

  it('logs a guardian’s reads of their own child, and shows them everyone who looked', async () => {
    const before = await logged();
    const base = `/api/v1/portal/children/${childId}`;
    await read(guardian, base);
    await read(guardian, `${base}/fees`);
    await read(guardian, `${base}/attendance?from=2026-09-01&to=2027-06-30`);
    await read(guardian, `${base}/report-card?termId=${termId}`);
    await read(guardian, `${base}/analytics`, [404]);
    expect(await logged()).toBe(before + 5);
    const log = await read(guardian, `${base}/access-log`);
    const items = (log.body as AccessLogPage).items;
    expect(items.slice(0, 5).map((i) => [i.who, i.role, i.part])).toEqual([
      ['Marta Mãe', 'guardian', 'analytics'],
      ['Marta Mãe', 'guardian', 'report-card'],
      ['Marta Mãe', 'guardian', 'attendance'],
      ['Marta Mãe', 'guardian', 'fees'],
      ['Marta Mãe', 'guardian', 'profile'],
    ]);
    expect(items.map((i) => i.who)).toContain('Tomás Teacher');
  });

  it('logs nothing for a refused read, and shows another family and the teachers nothing', async () => {
    const before = await logged();
    await read(otherGuardian, `/api/v1/portal/children/${childId}`, [404]);
    await read(otherGuardian, `/api/v1/portal/children/${childId}/analytics`, [404]);
    await read(otherGuardian, `/api/v1/portal/children/${childId}/access-log`, [404]);
    await read(teacher, `/api/v1/students/${childId}/access-log`, [403]);
    await read(guardian, `/api/v1/students/${childId}/access-log`, [403]);
    await read(admin, '/api/v1/students/00000000-0000-4000-8000-000000000000', [404]);
    expect(await logged()).toBe(before);
  });

  it('pages older entries', async () => {
    const first = (await read(admin, `/api/v1/students/${childId}/access-log?limit=4`)).body as AccessLogPage;
    expect(first.items).toHaveLength(4);
    const second = (await read(admin, `/api/v1/students/${childId}/access-log?limit=4&before=${first.next}`))
      .body as AccessLogPage;
    expect(second.items[0]!.id).toBeLessThan(first.items.at(-1)!.id);
    const all = (await read(admin, `/api/v1/students/${childId}/access-log?limit=200`)).body as AccessLogPage;
    expect(all.next).toBeNull();
    expect(all.items.slice(0, 8).map((i) => i.id)).toEqual([...first.items, ...second.items].map((i) => i.id));
  });

  it('answers reads of a suspended school without writing to its database (the function log keeps them)', async () => {
    const before = await logged();
    const directory = new TenantDirectory();
    await directory.setStatus(oak.school.schoolId, ['ACTIVE'], 'SUSPENDED');
    try {
      await read(admin, `/api/v1/students/${childId}`);
      await read(guardian, `/api/v1/portal/children/${childId}/fees`);
    } finally {
      await directory.setStatus(oak.school.schoolId, ['SUSPENDED'], 'ACTIVE');
    }
    expect(await logged()).toBe(before);
  });
});
