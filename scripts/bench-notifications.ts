import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkSendRateVariable } from '../lambdas/shared/platform-variables';
import { bulkDeliveryQueue } from '../lambdas/shared/queues';
import { handlerEntryMetadataKey } from '../lib/constructs/school-function';
import { startPlatform } from '../local/platform';
import type { SynthesizedStack } from '../local/step-functions/template-values';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';
import { changeNotificationRules, noQuietHours } from '../test/support/notification-rules';

/**
 * `npm run bench:notifications`: a school day of 3,000 students (100 classes of 30, one guardian
 * each with e-mail and phone) on the local platform. Registers are saved class by class through
 * the API, 8 % of students absent; one absence in ten is corrected within the grace time and one
 * class in twenty is saved twice. Once every grace time is over, it prints how long after its
 * grace time each alert's e-mail reached the local mailbox (target p95 ≤ 5 s), and counts
 * duplicates and alerts for corrected or excused marks (target 0 of each). Then the same school
 * day in another school, whose grace times end while a third announces to 10,000 guardians
 * (target: all delivered within 60 s, and the other school's alerts still p95 ≤ 5 s). Prints the
 * alerts' due times and the announcement's start, so the overlap can be read. Figures only.
 */
const classes = 100;
const perClass = 30;
const graceMinutes = Number(process.env.BENCH_GRACE_MINUTES ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-notifications-'));
const platform = await startPlatform({
  stateDir: dir,
  port: 0,
  fastAndUnsafe: true,
  ...(process.env.BENCH_BULK_RATE ? { editTemplates: withBulkRate(Number(process.env.BENCH_BULK_RATE)) } : {}),
  ...(process.env.BENCH_LOG ? { log: (line: string) => console.error(line) } : {}),
});

/** Sets a per-school bulk rate in the bulk worker's synthesized environment, as a stage's config would. */
function withBulkRate(perSecond: number) {
  return (stacks: SynthesizedStack[]) => {
    for (const { template } of stacks) {
      for (const fn of Object.values(template.Resources)) {
        if (fn.Type !== 'AWS::Lambda::Function' || fn.Metadata?.[handlerEntryMetadataKey] !== bulkDeliveryQueue.handler)
          continue;
        (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables[
          bulkSendRateVariable
        ] = String(perSecond);
      }
    }
    return stacks;
  };
}

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
  const settled = await admin.call('PUT', '/api/v1/school/settings', { ...exampleSettings, name: `Escola ${slug}` });
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

/**
 * Every e-mail the local SES accepted, by recipient, with the time it reached the mailbox: kept
 * as the mailbox tells of each send, so that reading it costs the bench nothing while the
 * platform (in this same process) is sending thousands.
 */
const emailsTo = new Map<string, number[]>();
platform.messaging.mailbox.onEvent((event) => {
  if (event.channel !== 'email' || event.type !== 'Send') return;
  const times = emailsTo.get(event.recipient) ?? [];
  times.push(new Date(event.time).getTime());
  emailsTo.set(event.recipient, times);
});

interface Morning {
  readonly label: string;
  readonly school: Awaited<ReturnType<typeof benchSchool>>['school'];
  /** Guardians' addresses whose student is absent once the registers are corrected. */
  readonly alerted: ReadonlySet<string>;
  readonly silent: ReadonlySet<string>;
  /** Seconds the registers took to save and correct. */
  readonly savedIn: number;
}

/**
 * A school's morning: each class's register, 8 % absent; one class in twenty saved twice; one
 * absence in ten corrected within the grace time. Returns once every register is saved.
 */
async function schoolMorning(slug: string, label: string): Promise<Morning> {
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
    admin.call('PUT', `/api/v1/classes/${classId}/attendance/${today}`, {
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
  return { label, school, alerted, silent, savedIn: (performance.now() - started) / 1000 };
}

/** Waits for a morning's alerts and prints how long after its grace time each reached the mailbox. */
async function alertsOf({ label, school, alerted, silent, savedIn }: Morning): Promise<void> {
  const deadline = Date.now() + (graceMinutes * 60 + savedIn + 90) * 1000;
  const arrived = () => [...alerted].filter((address) => emailsTo.has(address)).length;
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
  const latencies = [...alerted]
    .filter((address) => emailsTo.has(address))
    .map((address) => (emailsTo.get(address)![0]! - due.get(address)!) / 1000)
    .sort((a, b) => a - b);
  const duplicates = [...alerted, ...silent].filter((address) => (emailsTo.get(address)?.length ?? 0) > 1).length;
  const wrongly = [...silent].filter((address) => emailsTo.has(address)).length;
  const requests = await school.db.query<{ status: string; n: number }>(
    `SELECT status || coalesce(' ' || outcome, '') AS status, count(*)::int AS n FROM notification_requests GROUP BY 1`,
  );
  const dueTimes = [...due.values()];
  // Where the time goes: due → dispatched (outbox to messages), → claimed by a sender, → sent.
  const [stages] = await school.db.query<{ dispatched: number; claimed: number; sent: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM q.dispatched_at - q.due_at)) AS dispatched,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.claimed_at - m.queued_at)) AS claimed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.sent_at - m.claimed_at)) AS sent
       FROM notification_requests q JOIN notification_messages m ON m.request_id = q.id
      WHERE q.kind = 'absence-alert' AND m.channel = 'email'`,
  );
  console.log(
    `${label}: requests ${requests.map((r) => `${r.status} ${r.n}`).join(', ')}; alerts e-mailed ${latencies.length} of ` +
      `${alerted.size}, due from ${new Date(Math.min(...dueTimes)).toISOString().slice(11, 19)} to ` +
      `${new Date(Math.max(...dueTimes)).toISOString().slice(11, 19)}; after the grace time p50 ${percentile(latencies, 50).toFixed(2)} s, ` +
      `p95 ${percentile(latencies, 95).toFixed(2)} s (target ≤ 5 s), max ${percentile(latencies, 100).toFixed(2)} s; ` +
      `duplicates ${duplicates} (target 0); sent for corrected or excused marks ${wrongly} (target 0); ` +
      `medians: due to dispatched ${Number(stages?.dispatched).toFixed(2)} s, queued to claimed ` +
      `${Number(stages?.claimed).toFixed(2)} s, claimed to sent ${Number(stages?.sent).toFixed(2)} s`,
  );
}

/** A school of `guardians` students, each with a guardian of their own, ready to announce to all. */
async function bigSchool(guardians: number) {
  const { school, admin } = await benchSchool('bench-big', 250, guardians);
  const addresses = new Set(
    (await school.db.query<{ email: string }>(`SELECT email FROM guardians`)).map((row) => row.email),
  );
  return { school, admin, addresses };
}

/** An announcement to every guardian of the big school, timed to its last e-mail. */
async function announcement({ school, admin, addresses }: Awaited<ReturnType<typeof bigSchool>>): Promise<void> {
  const started = Date.now();
  const sent = await admin.call<{ id: string; recipients: number }>('POST', '/api/v1/notifications/announcements', {
    audience: { scope: 'school' },
    title: 'Reunião geral',
    body: 'A reunião geral de pais é na quinta-feira às 18h.',
    clientKey: 'bench-announcement',
  });
  if (sent.status !== 201) throw new Error(`The announcement was refused: ${JSON.stringify(sent.body)}`);
  const count = () => [...addresses].filter((address) => emailsTo.has(address)).length;
  while (Date.now() - started < 300_000 && count() < addresses.size)
    await new Promise((resolve) => setTimeout(resolve, 250));
  const seconds = (Date.now() - started) / 1000;
  const [row] = await school.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_messages WHERE channel = 'email' AND status IN ('sent', 'delivered')`,
  );
  console.log(
    `announcement to ${sent.body.recipients} people, sent at ${new Date(started).toISOString().slice(11, 19)}: ` +
      `${count()} e-mails in the mailbox in ${seconds.toFixed(1)} s (target: ${addresses.size.toLocaleString('en')} ` +
      `within 60 s); ${row!.n} recorded sent or delivered`,
  );
}

try {
  await alertsOf(await schoolMorning('bench-day', 'school day alone'));
  // The noisy neighbour: another school's alerts fall due while one school announces to 10,000
  // guardians. The announcement is sent some seconds before the first grace time ends, so that
  // its sending covers every alert's.
  const big = await bigSchool(Number(process.env.BENCH_GUARDIANS ?? 10_000));
  const morningStarted = Date.now();
  const neighbour = await schoolMorning('bench-neighbour', 'school day beside the announcement');
  const leadSeconds = Number(process.env.BENCH_ANNOUNCEMENT_LEAD_SECONDS ?? 10);
  const sendAt = morningStarted + (graceMinutes * 60 - leadSeconds) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sendAt - Date.now())));
  await Promise.all([announcement(big), alertsOf(neighbour)]);
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
