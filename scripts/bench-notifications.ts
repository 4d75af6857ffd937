import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SentEmail } from '../local/messaging/mailbox';
import { startPlatform } from '../local/platform';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';
import { changeNotificationRules, noQuietHours } from '../test/support/notification-rules';

/**
 * `npm run bench:notifications`: a school day of 3,000 students (100 classes of 30, one guardian
 * each with e-mail and phone) on the local platform. Registers are saved class by class through
 * the API, 8 % of students absent; one absence in ten is corrected within the grace time and one
 * class in twenty is saved twice. Once every grace time is over, it prints how long after its
 * grace time each alert's e-mail reached the local mailbox (target p95 ≤ 5 s), and counts
 * duplicates and alerts for corrected or excused marks (target 0 of each). Then the same school
 * day in another school while a third announces to 10,000 guardians (target: all delivered
 * within 60 s, and the other school's alerts still p95 ≤ 5 s). Figures only.
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

/** A school of `classes` × `perClass` students, each with a guardian of their own (e-mail and phone). */
async function benchSchool(slug: string, classCount: number, students: number) {
  const school = await schoolFixture(platform, slug);
  const admin = await school.user('school-admin');
  const settled = await admin.call('PUT', '/api/school/settings', { ...exampleSettings, name: `Escola ${slug}` });
  if (settled.status !== 200) throw new Error(`The school settings were refused: ${JSON.stringify(settled.body)}`);
  const [{ today }] = (await school.db.query<{ today: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('Y', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('G', 1) RETURNING id),
          made AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                   SELECT year.id, grade.id, 'C' || lpad(c::text, 3, '0') FROM year, grade, generate_series(1, :classes) c)
     SELECT (now() AT TIME ZONE s.timezone)::date::text AS today FROM school_settings s`,
    { classes: classCount },
  )) as [{ today: string }];
  await school.db.query(
    `WITH pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, class_id)
       SELECT 'S' || lpad(n::text, 5, '0'), 'Student', 'N' || n,
              (SELECT id FROM classes WHERE name = 'C' || lpad((1 + (n - 1) * :classes / :students)::text, 3, '0'))
         FROM generate_series(1, :students) n RETURNING id, admission_no
     ),
     parents AS (
       INSERT INTO guardians (name, email, phone)
       SELECT 'Guardian ' || admission_no, lower(admission_no) || '.' || :slug || '@bench.test',
              '+35191' || substr(admission_no, 2) || '00'
         FROM pupils RETURNING id, email
     )
     INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g ON g.email = lower(p.admission_no) || '.' || :slug || '@bench.test'`,
    { students, classes: classCount, slug },
  );
  // No quiet hours: the bench measures the same at any time of day.
  await changeNotificationRules((method, path, body) => admin.call(method, path, body), {
    absenceGrace: 'after-register',
    absenceGraceMinutes: graceMinutes,
    smsMonthlyBudget: 100_000,
    ...noQuietHours,
  });
  return { school, admin, today };
}

const emailsTo = () => {
  const received = new Map<string, SentEmail[]>();
  for (const email of platform.messaging.mailbox.list()) {
    if (email.kind !== 'email') continue;
    for (const to of email.to) received.set(to, [...(received.get(to) ?? []), email]);
  }
  return received;
};

/**
 * A school's morning: each class's register, 8 % absent; one class in twenty saved twice; one
 * absence in ten corrected within the grace time. Waits for the alerts and prints their figures.
 */
async function schoolDay(slug: string, label: string): Promise<void> {
  const { school, admin, today } = await benchSchool(slug, classes, classes * perClass);
  const roster = await school.db.query<{ id: string; classId: string; email: string }>(
    `SELECT s.id, s.class_id AS "classId", g.email FROM students s
       JOIN student_guardians sg ON sg.student_id = s.id JOIN guardians g ON g.id = sg.guardian_id ORDER BY s.admission_no`,
  );
  const byClass = new Map<string, typeof roster>();
  for (const student of roster) byClass.set(student.classId, [...(byClass.get(student.classId) ?? []), student]);
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
    for (const student of students) (corrected.get(student.id) === 'absent' ? alerted : silent).add(student.email);
    // Four teachers at a time.
    if (saves.length >= 4) await Promise.all(saves.splice(0));
  }
  await Promise.all(saves);
  const savedIn = (performance.now() - started) / 1000;
  for (const [classId, corrected] of corrections) await save(classId, corrected);
  console.log(
    `${label}: ${roster.length} students in ${classes} classes, registers saved in ${savedIn.toFixed(1)} s and corrected ` +
      `within the grace time (${graceMinutes} min); ${alerted.size} absences to alert, ${silent.size} students to leave alone`,
  );

  const deadline = Date.now() + (graceMinutes * 60 + savedIn + 90) * 1000;
  const arrived = () => [...alerted].filter((address) => emailsTo().has(address)).length;
  while (Date.now() < deadline && arrived() < alerted.size) await new Promise((resolve) => setTimeout(resolve, 250));
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
  const received = emailsTo();
  const latencies = [...alerted]
    .filter((address) => received.has(address))
    .map((address) => (new Date(received.get(address)![0]!.time).getTime() - due.get(address)!) / 1000)
    .sort((a, b) => a - b);
  const duplicates = [...alerted, ...silent].filter((address) => (received.get(address)?.length ?? 0) > 1).length;
  const wrongly = [...silent].filter((address) => received.has(address)).length;
  const requests = await school.db.query<{ status: string; n: number }>(
    `SELECT status || coalesce(' ' || outcome, '') AS status, count(*)::int AS n FROM notification_requests GROUP BY 1`,
  );
  console.log(
    `${label}: requests ${requests.map((r) => `${r.status} ${r.n}`).join(', ')}; alerts e-mailed ${latencies.length} of ` +
      `${alerted.size}; after the grace time p50 ${percentile(latencies, 50).toFixed(2)} s, ` +
      `p95 ${percentile(latencies, 95).toFixed(2)} s (target ≤ 5 s), max ${percentile(latencies, 100).toFixed(2)} s; ` +
      `duplicates ${duplicates} (target 0); sent for corrected or excused marks ${wrongly} (target 0)`,
  );
}

/** An announcement to every guardian of a school of `guardians` students, timed to its last e-mail. */
async function announcement(guardians: number): Promise<void> {
  const { school, admin } = await benchSchool('bench-big', 250, guardians);
  const started = Date.now();
  const sent = await admin.call<{ id: string; recipients: number }>('POST', '/api/notifications/announcements', {
    audience: { scope: 'school' },
    title: 'Reunião geral',
    body: 'A reunião geral de pais é na quinta-feira às 18h.',
    clientKey: 'bench-announcement',
  });
  if (sent.status !== 201) throw new Error(`The announcement was refused: ${JSON.stringify(sent.body)}`);
  const count = () =>
    platform.messaging.mailbox.list().filter((m) => m.kind === 'email' && m.subject === 'Reunião geral').length;
  while (Date.now() - started < 300_000 && count() < guardians)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const seconds = (Date.now() - started) / 1000;
  const [row] = await school.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_messages WHERE channel = 'email' AND status IN ('sent', 'delivered')`,
  );
  console.log(
    `announcement to ${sent.body.recipients} people: ${count()} e-mails in the mailbox in ${seconds.toFixed(1)} s ` +
      `(target: ${guardians.toLocaleString('en')} within 60 s); ${row!.n} recorded sent or delivered`,
  );
}

try {
  await schoolDay('bench-day', 'school day alone');
  // The noisy neighbour: another school's morning while one school announces to 10,000 guardians.
  const big = announcement(Number(process.env.BENCH_GUARDIANS ?? 10_000));
  await new Promise((resolve) => setTimeout(resolve, 5000));
  await Promise.all([big, schoolDay('bench-neighbour', 'school day beside the announcement')]);
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
