import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentEmail } from '../local/messaging/mailbox';
import { startPlatform } from '../local/platform';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';

/**
 * `npm run bench:notifications`: a school day of 3,000 students (100 classes of 30, one guardian
 * each with e-mail and phone) on the local platform. Registers are saved class by class through
 * the API, 8 % of students absent; one absence in ten is corrected within the grace time and one
 * class in twenty is saved twice. Once every grace time is over, it prints how long after its
 * grace time each alert's e-mail reached the local mailbox (target p95 ≤ 5 s), and counts
 * duplicates and alerts for corrected or excused marks (target 0 of each). Figures only.
 */
const classes = 100;
const perClass = 30;
const graceMinutes = Number(process.env.BENCH_GRACE_MINUTES ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-notifications-'));
const platform = await startPlatform({
  stateDir: dir,
  port: 0,
  fastAndUnsafe: true,
  ...(process.env.BENCH_LOG ? { log: (line: string) => console.error(line) } : {}),
});

/** A seeded generator, so every run marks the same students. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;

try {
  const school = await schoolFixture(platform, 'bench-day');
  const admin = await school.user('school-admin');
  const settled = await admin.call('PUT', '/api/school/settings', { ...exampleSettings, name: 'Escola Bench' });
  if (settled.status !== 200) throw new Error(`The school settings were refused: ${JSON.stringify(settled.body)}`);
  const [{ today }] = (await school.db.query<{ today: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
          made AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                   SELECT year.id, grade.id, 'C' || lpad(c::text, 3, '0') FROM year, grade, generate_series(1, :classes) c)
     SELECT (now() AT TIME ZONE s.timezone)::date::text AS today FROM school_settings s`,
    { classes },
  )) as [{ today: string }];
  await school.db.query(
    `WITH pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, class_id)
       SELECT 'S' || lpad(n::text, 5, '0'), 'Student', 'N' || n,
              (SELECT id FROM classes WHERE name = 'C' || lpad((1 + (n - 1) / :perClass)::text, 3, '0'))
         FROM generate_series(1, :students) n RETURNING id, admission_no
     ),
     parents AS (
       INSERT INTO guardians (name, email, phone)
       SELECT 'Guardian ' || admission_no, lower(admission_no) || '@bench.test', '+35191' || substr(admission_no, 2) || '00'
         FROM pupils RETURNING id, email
     )
     INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g ON g.email = lower(p.admission_no) || '@bench.test'`,
    { students: classes * perClass, perClass },
  );
  const rules = (await admin.call<Record<string, unknown>>('GET', '/api/notifications/settings')).body;
  const { smsSentThisMonth: _counted, ...writable } = rules;
  const written = await admin.call('PUT', '/api/notifications/settings', {
    ...writable,
    absenceGrace: 'after-register',
    absenceGraceMinutes: graceMinutes,
    smsMonthlyBudget: 100_000,
  });
  if (written.status !== 200)
    throw new Error(`The notification settings were refused: ${JSON.stringify(written.body)}`);
  const roster = await school.db.query<{ id: string; classId: string; email: string }>(
    `SELECT s.id, s.class_id AS "classId", g.email FROM students s
       JOIN student_guardians sg ON sg.student_id = s.id JOIN guardians g ON g.id = sg.guardian_id ORDER BY s.admission_no`,
  );
  const byClass = new Map<string, typeof roster>();
  for (const student of roster) byClass.set(student.classId, [...(byClass.get(student.classId) ?? []), student]);

  // The morning: each class's register, 8 % absent; some absences corrected, some excused, some registers saved twice.
  const random = seeded(20261207);
  const alerted = new Set<string>();
  const silent = new Set<string>();
  const started = performance.now();
  const save = (classId: string, marks: Map<string, string>) =>
    admin.call('PUT', `/api/classes/${classId}/attendance/${today}`, {
      marks: [...marks].map(([studentId, status]) => ({ studentId, status })),
    });
  const saves: Promise<unknown>[] = [];
  const corrections: [string, Map<string, string>][] = [];
  for (const [classId, students] of byClass) {
    const marks = new Map(students.map((s) => [s.id, 'present']));
    for (const student of students) {
      const draw = random();
      if (draw < 0.08) marks.set(student.id, 'absent');
      else if (draw < 0.09) marks.set(student.id, 'excused');
    }
    saves.push(save(classId, marks));
    if (random() < 0.05) saves.push(save(classId, marks));
    const corrected = new Map(marks);
    for (const student of students) {
      if (marks.get(student.id) === 'absent' && random() < 0.1) corrected.set(student.id, 'present');
    }
    corrections.push([classId, corrected]);
    for (const student of students) {
      (corrected.get(student.id) === 'absent' ? alerted : silent).add(student.email);
    }
    // Four teachers at a time.
    if (saves.length >= 4) await Promise.all(saves.splice(0));
  }
  await Promise.all(saves);
  const savedIn = (performance.now() - started) / 1000;
  // Corrections within the grace time.
  for (const [classId, corrected] of corrections) await save(classId, corrected);
  console.log(
    `${roster.length} students in ${classes} classes: registers saved in ${savedIn.toFixed(1)} s, corrected within the ` +
      `grace time (${graceMinutes} min); ${alerted.size} absences to alert, ${silent.size} students to leave alone`,
  );

  // Every e-mail in; or a minute after the last grace time, what came.
  const deadline = Date.now() + (graceMinutes * 60 + savedIn + 90) * 1000;
  const emails = () => platform.messaging.mailbox.list().filter((m): m is SentEmail => m.kind === 'email');
  while (Date.now() < deadline && new Set(emails().flatMap((m) => m.to)).size < alerted.size) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const due = new Map(
    (
      await school.db.query<{ email: string; dueAt: string }>(
        `SELECT g.email, to_char(q.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "dueAt"
           FROM notification_requests q JOIN student_guardians sg ON sg.student_id = q.student_id
           JOIN guardians g ON g.id = sg.guardian_id WHERE q.kind = 'absence-alert'`,
      )
    ).map((row) => [row.email, new Date(row.dueAt).getTime()]),
  );
  const received = new Map<string, SentEmail[]>();
  for (const email of emails()) for (const to of email.to) received.set(to, [...(received.get(to) ?? []), email]);
  const latencies = [...alerted]
    .filter((address) => received.has(address))
    .map((address) => (new Date(received.get(address)![0]!.time).getTime() - due.get(address)!) / 1000)
    .sort((a, b) => a - b);
  const requests = await school.db.query<{ status: string; n: number }>(
    `SELECT status || coalesce(' ' || outcome, '') AS status, count(*)::int AS n FROM notification_requests GROUP BY 1`,
  );
  console.log(`requests: ${requests.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  const duplicates = [...received.values()].filter((list) => list.length > 1).length;
  const wrongly = [...silent].filter((address) => received.has(address)).length;
  const texts = platform.messaging.mailbox.list().filter((m) => m.kind === 'sms').length;
  console.log(
    `alerts delivered: ${latencies.length} of ${alerted.size} e-mails, ${texts} texts; ` +
      `after the grace time: p50 ${percentile(latencies, 50).toFixed(2)} s, p95 ${percentile(latencies, 95).toFixed(2)} s ` +
      `(target ≤ 5 s), max ${percentile(latencies, 100).toFixed(2)} s; duplicates ${duplicates} (target 0); ` +
      `sent for corrected or excused marks ${wrongly} (target 0)`,
  );
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
