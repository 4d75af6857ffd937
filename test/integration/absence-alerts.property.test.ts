import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { markClassDay } from '../../lambdas/api/attendance/attendance';
import { dispatchDue } from '../../lambdas/notifications/dispatch';
import { type DataApiSession, typed } from '../../lambdas/shared/data-api';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, schoolFixture } from '../support/school-fixture';

/**
 * The promise of absence alerts, as a property over real PostgreSQL: whatever the order and
 * repetition of register saves, corrections, retries (sent twice at once) and dispatches (two
 * dispatchers at once), each student gets at most one alert a day, and exactly one if they are
 * absent when the grace time of their alert ends. The register's own statement and the
 * dispatcher's are the code under test; the model beside them is the promise.
 */
const platform = useLocalPlatform('absence-alerts-property');
let school: SchoolFixture;
let db: DataApiSession;
let classId: string;
let today: string;
const pupils = 3;

const statuses = ['present', 'absent', 'late', 'excused'] as const;
type Status = (typeof statuses)[number];
type Step = { kind: 'save'; marks: Status[]; twice: boolean } | { kind: 'grace-ends'; dispatchers: 1 | 2 };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('save' as const),
    marks: fc.array(fc.constantFrom(...statuses), { minLength: pupils, maxLength: pupils }),
    twice: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('grace-ends' as const), dispatchers: fc.constantFrom(1 as const, 2 as const) }),
);

beforeAll(async () => {
  school = await schoolFixture(platform(), 'willow');
  db = school.db.as({ actor: 'property-test', requestId: 'property-test' });
  await db.query(
    `INSERT INTO school_settings (name, timezone, currency, locale, grading_scale, pass_mark)
     VALUES ('Willow', :timezone, 'EUR', 'en', '[]', 50)`,
    { timezone: exampleSettings.timezone },
  );
  const [row] = await db.query<{ class_id: string; today: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
          class AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, 'C' FROM year, grade RETURNING id)
     SELECT class.id AS class_id, (now() AT TIME ZONE s.timezone)::date::text AS today FROM class, school_settings s`,
  );
  classId = row!.class_id;
  today = row!.today;
});

/** A fresh class list: the class's students withdrawn, new ones each with a guardian of their own (e-mail only). */
async function freshStudents(count = pupils, guardianName = 'G'): Promise<string[]> {
  await db.query(`UPDATE students SET status = 'withdrawn' WHERE class_id = :c::uuid`, { c: classId });
  const rows = await db.query<{ id: string }>(
    `WITH pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, class_id)
       SELECT lpad(n::text, 4, '0') || '-' || gen_random_uuid(), 'P' || n, 'W', :c::uuid
         FROM generate_series(1, :n) n RETURNING id, admission_no
     ),
     parents AS (
       INSERT INTO guardians (name, email) SELECT :guardian || ' ' || p.id, p.id || '@willow.test' FROM pupils p
       RETURNING id, email
     ),
     links AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g ON g.email = p.id || '@willow.test'
     )
     SELECT id FROM pupils ORDER BY admission_no`,
    { c: classId, n: count, guardian: guardianName },
  );
  return rows.map((r) => r.id);
}

/** The promise, followed step by step: per student, whether an alert waits, was sent or was called off. */
class Model {
  readonly mark: (Status | undefined)[] = Array.from({ length: pupils });
  readonly alert: ('none' | 'pending' | 'sent' | 'cancelled')[] = Array.from({ length: pupils }, () => 'none' as const);
  save(marks: readonly Status[]) {
    marks.forEach((status, i) => {
      const changed = this.mark[i] !== status;
      this.mark[i] = status;
      // Lateness is not alerted (the school's default); a changed mark to absent arms an alert not yet sent.
      if (changed && status === 'absent' && (this.alert[i] === 'none' || this.alert[i] === 'cancelled')) {
        this.alert[i] = 'pending';
      }
    });
  }
  graceEnds() {
    this.alert.forEach((state, i) => {
      if (state === 'pending') this.alert[i] = this.mark[i] === 'absent' ? 'sent' : 'cancelled';
    });
  }
}

describe('absence alerts, as a property', () => {
  it('give each student at most one alert a day, and exactly one if absent when the grace time ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const students = await freshStudents();
        const model = new Model();
        const caller = { userId: 'teacher-sub', isAdmin: true };
        for (const s of steps) {
          if (s.kind === 'save') {
            const input = { marks: s.marks.map((status, i) => ({ studentId: students[i]!, status })) };
            const save = () => markClassDay(db, caller, classId, today, input);
            await (s.twice ? Promise.all([save(), save()]) : save());
            model.save(s.marks);
          } else {
            await db.query(`UPDATE notification_requests SET due_at = now() WHERE status = 'pending'`);
            // Each dispatcher with its own session, as two invocations have.
            await Promise.all(Array.from({ length: s.dispatchers }, () => dispatchDue(db.as(db.auditIdentity!))));
            model.graceEnds();
          }
        }
        // The day ends: every grace time is over.
        await db.query(`UPDATE notification_requests SET due_at = now() WHERE status = 'pending'`);
        await dispatchDue(db);
        model.graceEnds();

        const rows = await db.query<{ student_id: string; emails: number; inapp: number }>(
          `SELECT sg.student_id,
                  count(*) FILTER (WHERE m.channel = 'email')::int AS emails,
                  count(*) FILTER (WHERE m.channel = 'in-app')::int AS inapp
             FROM student_guardians sg
             LEFT JOIN notification_messages m ON m.recipient_id = sg.guardian_id
            WHERE sg.student_id IN (SELECT (jsonb_array_elements_text(:ids::jsonb))::uuid)
            GROUP BY sg.student_id`,
          { ids: typed.json(students) },
        );
        const sent = students.map((id) => rows.find((r) => r.student_id === id)!);
        sent.forEach((row, i) => {
          const expected = model.alert[i] === 'sent' ? 1 : 0;
          expect(row.emails, `student ${i}: ${JSON.stringify(steps)}`).toBe(expected);
          expect(row.inapp).toBe(expected);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('dispatches a whole school’s morning in rounds, each answer within the Data API’s row and response limits', async () => {
    const many = 150;
    const students = await freshStudents(many, 'A guardian with a long name');
    await markClassDay(db, { userId: 'teacher-sub', isAdmin: true }, classId, today, {
      marks: students.map((studentId) => ({ studentId, status: 'absent' })),
    });
    await db.query(`UPDATE notification_requests SET due_at = now() WHERE status = 'pending'`);
    const first = await dispatchDue(db);
    const second = await dispatchDue(db);
    expect(first).toMatchObject({ dispatched: 100, more: true });
    expect(second).toMatchObject({ dispatched: many - 100, more: false });
  });
});
