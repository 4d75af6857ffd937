import { beforeAll, describe, expect, it } from 'vitest';
import type {
  ChronicAbsence,
  ClassDaySheet,
  DailySummary,
  StudentAttendance,
} from '../../lambdas/api/attendance/attendance.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-attendance');
let maple: SchoolFixture;
let homeroomTeacher: SchoolUser;
let otherTeacher: SchoolUser;
let classId: string;
let otherClassId: string;
let students: string[];
let outsider: string;

beforeAll(async () => {
  maple = await schoolFixture(platform(), 'maple');
  [homeroomTeacher, otherTeacher] = await Promise.all([maple.user('teacher'), maple.user('teacher')]);
  // A class of 40 with its home-room teacher, and a second class taught by someone else.
  const [ids] = await maple.db.query<{ class_id: string; other_class_id: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 8', 8) RETURNING id),
          teacher AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:teacher, 't1@maple.test', 'T One', 'teacher') RETURNING id),
          other AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:other, 't2@maple.test', 'T Two', 'teacher') RETURNING id),
          eight_a AS (INSERT INTO classes (academic_year_id, grade_level_id, name, homeroom_teacher_id)
                      SELECT year.id, grade.id, '8A', teacher.id FROM year, grade, teacher RETURNING id),
          eight_b AS (INSERT INTO classes (academic_year_id, grade_level_id, name, homeroom_teacher_id)
                      SELECT year.id, grade.id, '8B', other.id FROM year, grade, other RETURNING id)
     SELECT eight_a.id AS class_id, eight_b.id AS other_class_id FROM eight_a, eight_b`,
    { teacher: homeroomTeacher.userId, other: otherTeacher.userId },
  );
  classId = ids!.class_id;
  otherClassId = ids!.other_class_id;
  students = (
    await maple.db.query<{ id: string }>(
      `INSERT INTO students (admission_no, given_name, family_name, class_id)
       SELECT 'M-' || lpad(n::text, 3, '0'), 'Pupil', 'Number ' || lpad(n::text, 3, '0'), :classId::uuid
         FROM generate_series(1, 40) n RETURNING id`,
      { classId },
    )
  ).map((row) => row.id);
  [{ id: outsider }] = (await maple.db.query<{ id: string }>(
    "INSERT INTO students (admission_no, given_name, family_name, class_id) VALUES ('M-900', 'Other', 'Class', :c::uuid) RETURNING id",
    { c: otherClassId },
  )) as [{ id: string }];
});

const day = '2026-09-14';
const path = (date = day, id = classId) => `/api/v1/classes/${id}/attendance/${date}`;
const allPresent = () => ({ marks: students.map((studentId) => ({ studentId, status: 'present' })) });
const rowsFor = async (date: string) =>
  (
    await maple.db.query<{ n: number }>('SELECT count(*)::int AS n FROM attendance WHERE on_date = :d::date', {
      d: date,
    })
  )[0]!.n;

describe('attendance API (a class marked in one request)', () => {
  it('marks a class of 40 in one round trip, and the same request again changes nothing', async () => {
    const first = await homeroomTeacher.call<{ received: number; changed: number }>('PUT', path(), allPresent());
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 40, changed: 40 });
    expect(first.roundTrips).toBe(1);
    const again = await homeroomTeacher.call<{ changed: number }>('PUT', path(), allPresent());
    expect(again.body.changed).toBe(0);
    expect(await rowsFor(day)).toBe(40);
  });

  it('changes one mark with its before and after in the audit log', async () => {
    const marks = allPresent();
    marks.marks[3] = { studentId: students[3]!, status: 'late', note: 'bus' } as (typeof marks.marks)[number];
    const changed = await homeroomTeacher.call<{ changed: number }>('PUT', path(), marks);
    expect(changed.body.changed).toBe(1);
    // One entry for the request: the one mark it changed, as it was and as it is, and whose it is.
    const [entry] = await maple.db.query<{ before: string; after: string; subjects: string }>(
      `SELECT before::text, after::text, array_to_json(subjects)::text AS subjects FROM audit_entries
        WHERE entity = 'attendance' ORDER BY id DESC LIMIT 1`,
    );
    expect(JSON.parse(entry!.before)).toMatchObject([{ status: 'present', student_id: students[3] }]);
    expect(JSON.parse(entry!.after)).toMatchObject([{ status: 'late', note: 'bus', student_id: students[3] }]);
    expect(JSON.parse(entry!.subjects)).toEqual([students[3]]);
  });

  it("shows the day's register with counts", async () => {
    const sheet = await homeroomTeacher.call<ClassDaySheet>('GET', path());
    expect(sheet.status).toBe(200);
    expect(sheet.roundTrips).toBe(1);
    expect(sheet.body.students).toHaveLength(40);
    expect(sheet.body.summary).toEqual({ present: 39, absent: 0, late: 1, excused: 0, unmarked: 0 });
    const empty = await homeroomTeacher.call<ClassDaySheet>('GET', path('2026-09-15'));
    expect(empty.body.summary.unmarked).toBe(40);
  });

  it('refuses a teacher who does not teach the class, writing nothing', async () => {
    const refused = await otherTeacher.call('PUT', path('2026-09-16'), allPresent());
    expect(refused.status).toBe(403);
    expect((await otherTeacher.call('GET', path())).status).toBe(403);
    expect(await rowsFor('2026-09-16')).toBe(0);
  });

  it('writes nothing when one student is not in the class, and says which', async () => {
    const marks = allPresent();
    marks.marks.push({ studentId: outsider, status: 'present' });
    const refused = await homeroomTeacher.call<{ error: { fields: { path: string }[] } }>(
      'PUT',
      path('2026-09-17'),
      marks,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([
      { path: 'body.marks.40.studentId', message: 'is not an active student of this class' },
    ]);
    expect(await rowsFor('2026-09-17')).toBe(0);
  });

  it('validates the request: statuses, duplicates, dates and unknown classes', async () => {
    const twice = await homeroomTeacher.call<{ error: { fields: { path: string }[] } }>('PUT', path(), {
      marks: [
        { studentId: students[0], status: 'present' },
        { studentId: students[0], status: 'absent' },
      ],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.fields).toEqual([{ path: 'body.marks.1.studentId', message: 'is marked twice' }]);
    expect(
      (await homeroomTeacher.call('PUT', path(), { marks: [{ studentId: students[0], status: 'asleep' }] })).status,
    ).toBe(400);
    expect((await homeroomTeacher.call('PUT', path('2026-13-01'), allPresent())).status).toBe(400);
    expect((await homeroomTeacher.call('GET', path(day, '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('ends with one row per student and day however many times a mark is retried concurrently', async () => {
    const date = '2026-09-18';
    const results = await Promise.all(
      Array.from({ length: 8 }, () => homeroomTeacher.call('PUT', path(date), allPresent())),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await rowsFor(date)).toBe(40);
  });

  it("reports a student's history, the school's day and the chronically absent", async () => {
    for (const [offset, date] of ['2026-09-21', '2026-09-22', '2026-09-23', '2026-09-24', '2026-09-25'].entries()) {
      const marks = allPresent();
      if (offset < 3) marks.marks[0] = { studentId: students[0]!, status: 'absent' };
      await homeroomTeacher.call('PUT', path(date), marks);
    }
    const history = await homeroomTeacher.call<StudentAttendance>(
      'GET',
      `/api/v1/students/${students[0]}/attendance?from=2026-09-21&to=2026-09-25`,
    );
    expect(history.status).toBe(200);
    expect(history.body.days.map((d) => d.status)).toEqual(['absent', 'absent', 'absent', 'present', 'present']);
    expect(history.body.summary).toEqual({ days: 5, present: 2, rate: 0.4 });

    const admin = await maple.user('school-admin');
    const day = await admin.call<DailySummary>('GET', '/api/v1/attendance/daily?date=2026-09-14');
    expect(day.body.classes).toEqual([
      expect.objectContaining({ className: '8A', present: 39, late: 1, unmarked: 0 }),
      expect.objectContaining({ className: '8B', present: 0, unmarked: 1 }),
    ]);
    expect(day.body.totals).toMatchObject({ present: 39, late: 1, unmarked: 1 });
    expect((await homeroomTeacher.call('GET', '/api/v1/attendance/daily?date=2026-09-14')).status).toBe(403);

    const chronic = await homeroomTeacher.call<ChronicAbsence>(
      'GET',
      '/api/v1/attendance/chronic-absence?from=2026-09-21&to=2026-09-25',
    );
    expect(chronic.body.threshold).toBe(0.9);
    expect(chronic.body.students.map((s) => [s.studentId, s.rate])).toEqual([[students[0], 0.4]]);
    const strict = await homeroomTeacher.call<ChronicAbsence>(
      'GET',
      '/api/v1/attendance/chronic-absence?from=2026-09-21&to=2026-09-25&threshold=0.3',
    );
    expect(strict.body.students).toEqual([]);
    expect(
      (await homeroomTeacher.call('GET', '/api/v1/attendance/chronic-absence?from=2026-09-25&to=2026-09-21')).status,
    ).toBe(400);
  });
});
