import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RetentionPolicyView } from '../lambdas/api/privacy/retention.schemas';
import { startPlatform } from '../local/platform';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { executionHistory, runExecutionToSuccess } from '../lambdas/shared/state-machine-executions';

/**
 * `npm run bench:retention`: the nightly application of a retention policy on a school of 3,000
 * students with five years of history on the local platform: 1,200 of them left over those years
 * (a fifth of them a year, and some this year), every student has a mark for each school day
 * they were at the school, 24 scores a year, three invoices and payments a year, messages to the
 * family and reads of their file. The policy keeps attendance 2 years, fees 3, messages 1 and the
 * access log 2 (grades kept); the nightly run (trigger schedule) applies it. Prints what it
 * removed and how long the retention step took (from the workflow's history), then a second
 * night's, which finds nothing more.
 */
const students = Number(process.env.BENCH_STUDENTS ?? 3000);
const leavers = Math.round(students * 0.4);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-retention-'));
const platform = await startPlatform({ stateDir: dir, port: 0, fastAndUnsafe: true });

const sfn = new SFNClient({ endpoint: platform.stepFunctions.url });

const stepMs = (history: HistoryEvent[]) => {
  const entered = history.find((event) => event.stateEnteredEventDetails?.name === 'Apply retention policy');
  const exited = history.find((event) => event.stateExitedEventDetails?.name === 'Apply retention policy');
  return entered && exited ? exited.timestamp!.getTime() - entered.timestamp!.getTime() : NaN;
};

try {
  const school = await schoolFixture(platform, 'benchretention');
  const admin = await school.user('school-admin');
  if ((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status !== 200) throw new Error('settings');
  const db = school.db;
  const seeded = performance.now();
  await db.execute(
    `WITH y AS (
       INSERT INTO academic_years (name, starts_on, ends_on)
       SELECT 'Y' || k, (current_date - 1825 + k * 365), (current_date - 1825 + k * 365 + 300) FROM generate_series(0, 4) k
       RETURNING *),
     t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on) SELECT id, 'T1', starts_on, ends_on FROM y),
     g AS (INSERT INTO grade_levels (name, ordinal) VALUES ('All', 1) RETURNING id),
     sub AS (INSERT INTO subjects (code, name)
             SELECT 'S' || n, 'Subject ' || n FROM generate_series(1, 8) n)
     INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT y.id, g.id, 'C-' || y.name FROM y, g`,
  );
  // Leavers left evenly over the five years; the others are at the school now. Everyone arrived five years ago.
  await db.execute(
    `INSERT INTO students (admission_no, given_name, family_name, status, enrolled_on, withdrawn_on, class_id)
     SELECT 'R' || lpad(n::text, 5, '0'), 'Student', 'Number ' || n,
            CASE WHEN n <= CAST(:leavers AS int) THEN 'withdrawn' ELSE 'active' END, current_date - 1825,
            CASE WHEN n <= CAST(:leavers AS int) THEN current_date - (n * 1825 / CAST(:leavers AS int)) END,
            CASE WHEN n > CAST(:leavers AS int) THEN (SELECT c.id FROM classes c ORDER BY c.name DESC LIMIT 1) END
       FROM generate_series(1, CAST(:students AS int)) n`,
    { students, leavers },
  );
  await db.execute(
    `WITH parents AS (
       INSERT INTO guardians (name, email)
       SELECT 'Family of ' || s.admission_no, lower(s.admission_no) || '@benchretention.test' FROM students s RETURNING *)
     INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT s.id, p.id, 'parent' FROM students s JOIN parents p ON p.email = lower(s.admission_no) || '@benchretention.test'`,
  );
  // A mark for every school day (three a week) a student was at the school.
  await db.execute(
    `INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
     SELECT s.id, d::date, c.id, 'present', 'bench'
       FROM students s
       JOIN academic_years y ON y.starts_on < coalesce(s.withdrawn_on, current_date)
       JOIN classes c ON c.academic_year_id = y.id,
       generate_series(y.starts_on, least(y.ends_on, coalesce(s.withdrawn_on, current_date) - 1), interval '1 day') d
      WHERE extract(isodow FROM d) IN (1, 3, 5)`,
  );
  await db.execute(
    `WITH tests AS (
       INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
       SELECT c.id, sub.id, t.id, 'Test ' || n, 20, t.starts_on + n * 90
         FROM classes c JOIN terms t ON t.academic_year_id = c.academic_year_id, subjects sub, generate_series(1, 3) n
       RETURNING *)
     INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT a.id, s.id, 12, 'bench' FROM tests a JOIN students s ON a.held_on < coalesce(s.withdrawn_on, current_date)`,
  );
  await db.execute(
    `WITH fees AS (
       INSERT INTO fee_structures (term_id, category, name, amount_minor, due_on)
       SELECT t.id, 'tuition', 'Fee ' || n || ' ' || t.starts_on, 10000, t.starts_on + n * 90
         FROM terms t, generate_series(0, 2) n RETURNING *),
     bills AS (
       INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
       SELECT s.id, f.id, f.amount_minor, f.due_on FROM fees f JOIN students s ON f.due_on < coalesce(s.withdrawn_on, current_date)
       RETURNING *)
     INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
     SELECT 'bench-' || b.id, b.student_id, b.id, b.amount_minor, 'cash', b.due_on, 'bench' FROM bills b`,
  );
  await db.execute(
    `WITH absences AS (
       INSERT INTO notification_requests (kind, category, urgency, dedupe_key, student_id, on_date, due_at, status, requested_by)
       SELECT 'absence', 'absence', 'urgent', 'bench-' || a.student_id || '-' || a.on_date, a.student_id, a.on_date,
              a.on_date + time '10:00', 'dispatched', 'bench'
         FROM attendance a WHERE extract(doy FROM a.on_date)::int % 30 = 0
       RETURNING *)
     INSERT INTO notification_messages (request_id, recipient_id, recipient_kind, channel, locale, subject, body, status)
     SELECT r.id, sg.guardian_id, 'guardian', 'email', 'en', 'Absent', 'Absent today.', 'sent'
       FROM absences r JOIN student_guardians sg ON sg.student_id = r.student_id`,
  );
  await db.execute(
    `INSERT INTO access_log (at, actor, request_id, student_id, part)
     SELECT a.on_date + time '12:00', 'bench', 'bench', a.student_id, 'profile'
       FROM attendance a WHERE extract(doy FROM a.on_date)::int % 20 = 0`,
  );
  await db.execute('ANALYZE');
  const [sizes] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM attendance) AS attendance, (SELECT count(*)::int FROM scores) AS scores,
            (SELECT count(*)::int FROM invoices) + (SELECT count(*)::int FROM payments) AS fees,
            (SELECT count(*)::int FROM notification_messages) + (SELECT count(*)::int FROM notification_requests) AS notifications,
            (SELECT count(*)::int FROM access_log) AS "access-log"`,
  );
  console.log(
    `seeded ${students} students (${leavers} left over five years) in ${((performance.now() - seeded) / 1000).toFixed(0)} s: ` +
      Object.entries(sizes!)
        .map(([kind, n]) => `${kind} ${n.toLocaleString('en')}`)
        .join(', '),
  );

  const policy = await admin.call('PUT', '/api/v1/privacy/retention', {
    attendance: 2,
    fees: 3,
    notifications: 1,
    'access-log': 2,
    grades: null,
  });
  if (policy.status !== 200) throw new Error(`policy: ${policy.status}`);
  for (const night of ['first', 'second']) {
    const run = await runExecutionToSuccess(
      sfn,
      'campus-local-scoring-run',
      { trigger: 'schedule', schoolId: school.school.schoolId },
      { pollMs: 50 },
    );
    const history = await executionHistory(sfn, run.executionArn);
    const report = await admin.call<RetentionPolicyView>('GET', '/api/v1/privacy/retention');
    const runId = run.executionArn.split(':').at(-1)!;
    const removed = report.body.runs.find((r) => r.runId === runId)?.removed ?? {};
    console.log(
      `${night} night: retention step ${(stepMs(history) / 1000).toFixed(2)} s; removed ` +
        (Object.entries(removed)
          .map(([kind, n]) => `${kind} ${n.toLocaleString('en')}`)
          .join(', ') || 'nothing'),
    );
  }
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
