import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  TemplateList,
  AnnouncementCreated,
  AnnouncementPreview,
  DeliveryReport,
  InboxPage,
  NotificationSettingsView,
  Preferences,
  RequestsPage,
} from '../../lambdas/api/notifications/notifications.schemas';
import type { SentEmail, SentSms } from '../../local/messaging/mailbox';
import { askForDailyNotices } from '../../lambdas/notifications/daily-notices';
import { purgeExpiredMessages } from '../../lambdas/notifications/message-retention';
import { writeStudentAnalytics } from '../../lambdas/scoring/chunk-scoring';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { until } from '../support/until';

/**
 * Notifications end to end on the local platform: a register saved with absences asks, in
 * its own statement, for alerts to the guardians; the dispatcher (woken through SQS, or the
 * minute sweep) reads the marks again when the grace time is over, so a corrected absence
 * sends nothing; the senders deliver e-mail and text messages to the local SES and SMS
 * endpoints, and every guardian finds the alert in their in-app inbox.
 */
const platform = useLocalPlatform('notifications');
let oak: SchoolFixture;
let admin: SchoolUser;
let teacher: SchoolUser;
let guardianUser: SchoolUser;
let classId: string;
let students: { id: string; guardianId: string; email: string; phone: string }[];
let today: string;

/** Waits up to `seconds` for `check` to hold. */
const waitFor = (what: string, check: () => Promise<boolean> | boolean, seconds = 20) =>
  until(async () => ((await check()) ? true : undefined), what, seconds * 20);

const register = (marks: Record<number, string>) => ({
  marks: students.map((student, i) => ({ studentId: student.id, status: marks[i] ?? 'present' })),
});

const settingsWith = (change: Partial<NotificationSettingsView>) =>
  changeNotificationRules((method, path, body) => admin.call(method, path, body), change);

const requestsOf = async (studentId: string) =>
  oak.db.query<{ id: string; status: string; outcome: string | null; seconds_to_due: number }>(
    `SELECT id, status, outcome, extract(epoch FROM due_at - now())::int AS seconds_to_due
       FROM notification_requests WHERE student_id = :s::uuid ORDER BY created_at`,
    { s: studentId },
  );

const emailsTo = (address: string) =>
  platform()
    .messaging.mailbox.list(address)
    .filter((m): m is SentEmail => m.kind === 'email');
const textsTo = (number: string) =>
  platform()
    .messaging.mailbox.list(number)
    .filter((m): m is SentSms => m.kind === 'sms');

/** The scoring run's writer, as a run `runId` that scored the student at `risk` leaves it. */
const scoredAtRisk = (studentId: string, risk: number, runId: string) =>
  writeStudentAnalytics(
    oak.db,
    [
      {
        studentId,
        setup: 'A',
        risk,
        inputs: { term1: 0.4, term2: 0.4, failures: 0, absences: 2 },
        drivers: [],
        anomalies: [],
        percentiles: [],
        careers: [],
      },
    ],
    { runId, modelVersion: 'test', dataAsOf: new Date() },
  );

/** Brings the school's pending requests due now and runs the minute sweep, as its schedule would. */
async function graceTimeEnds(): Promise<void> {
  await oak.db.query(`UPDATE notification_requests SET due_at = now() WHERE status = 'pending'`);
  runSweep();
}

/** Runs the sweep's hourly pass now, as its schedule would on the hour. */
function runHourlyPass(): void {
  const hourly = platform()
    .scheduler.nextFires()
    .find((s) => s.name.endsWith('notification-hourly'));
  platform().scheduler.fire(hourly?.name ?? 'campus-local-notification-hourly');
}

/** Runs the minute sweep now, as its schedule would. */
function runSweep(): void {
  const sweep = platform()
    .scheduler.nextFires()
    .find((s) => s.name.endsWith('notification-sweep'));
  platform().scheduler.fire(sweep?.name ?? 'campus-local-notification-sweep');
}

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oak');
  [admin, teacher] = await Promise.all([oak.user('school-admin'), oak.user('teacher')]);
  guardianUser = await oak.user('guardian', { email: 'parent0@oak.test' });
  // A Portuguese school: its messages are written in Portuguese.
  expect(
    (await admin.call('PUT', '/api/v1/school/settings', { ...exampleSettings, name: 'Escola Carvalho' })).status,
  ).toBe(200);
  const [ids] = await oak.db.query<{ class_id: string; today: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 5', 5) RETURNING id),
          admin AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:admin, 'admin@oak.test', 'Ada Admin', 'school-admin')),
          teacher AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:teacher, 'teacher@oak.test', 'Tom Teacher', 'teacher') RETURNING id),
          class AS (INSERT INTO classes (academic_year_id, grade_level_id, name, homeroom_teacher_id)
                    SELECT year.id, grade.id, '5A', teacher.id FROM year, grade, teacher RETURNING id)
     SELECT class.id AS class_id, (now() AT TIME ZONE s.timezone)::date::text AS today FROM class, school_settings s`,
    { admin: admin.userId, teacher: teacher.userId },
  );
  classId = ids!.class_id;
  today = ids!.today;
  students = await oak.db.query(
    `WITH pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, class_id)
       SELECT 'O-' || n, 'Pupil' || n, 'Oak', :classId::uuid FROM generate_series(0, 5) n RETURNING id, admission_no
     ),
     parents AS (
       INSERT INTO guardians (name, email, phone, user_sub)
       SELECT 'Parent ' || substr(admission_no, 3), 'parent' || substr(admission_no, 3) || '@oak.test',
              '+35191000000' || substr(admission_no, 3), CASE WHEN admission_no = 'O-0' THEN :guardian END
         FROM pupils RETURNING id, email, phone
     ),
     links AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g ON g.email = 'parent' || substr(p.admission_no, 3) || '@oak.test'
       RETURNING student_id, guardian_id
     )
     SELECT l.student_id AS id, l.guardian_id AS "guardianId", g.email, g.phone
       FROM links l JOIN parents g ON g.id = l.guardian_id JOIN pupils p ON p.id = l.student_id ORDER BY p.admission_no`,
    { classId, guardian: guardianUser.userId },
  );
});

describe('absence alerts', () => {
  it('asks for one alert per absent student, due after the grace time, and sends nothing for a correction', async () => {
    await settingsWith({
      absenceGrace: 'after-register',
      absenceGraceMinutes: 30,
      smsMonthlyBudget: 100,
      ...noQuietHours,
    });
    const saved = await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 1: 'absent', 2: 'excused' }),
    );
    expect(saved.status).toBe(200);
    // Saved again, and retried: still one request each.
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 1: 'absent', 2: 'excused' }),
    );
    const [first] = await requestsOf(students[0]!.id);
    expect(first).toMatchObject({ status: 'pending' });
    expect(first!.seconds_to_due).toBeGreaterThan(25 * 60);
    expect(await requestsOf(students[1]!.id)).toHaveLength(1);
    // An excused absence asks for nothing.
    expect(await requestsOf(students[2]!.id)).toHaveLength(0);

    // Student 1 was in fact present: corrected within the grace time.
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'excused' }),
    );
    await graceTimeEnds();
    await waitFor(
      'the corrected absence cancelled',
      async () => (await requestsOf(students[1]!.id))[0]?.status === 'cancelled',
    );
    expect((await requestsOf(students[1]!.id))[0]).toMatchObject({ status: 'cancelled', outcome: 'no-longer-absent' });

    await waitFor(
      'the notification',
      async () => emailsTo(students[0]!.email).length > 0 && textsTo(students[0]!.phone).length > 0,
    );
    const [email] = emailsTo(students[0]!.email);
    // The school's language (pt-PT) and its name as the sender's.
    expect(email!.subject).toBe('Pupil0 Oak teve marcação de falta hoje');
    expect(email!.text).toContain('5A');
    expect(email!.from).toContain('notifications@');
    expect(textsTo(students[0]!.phone)[0]!.body).toContain('Pupil0 Oak');
    expect(emailsTo(students[1]!.email)).toHaveLength(0);
    expect(textsTo(students[1]!.phone)).toHaveLength(0);

    // The delivery report: one message a channel.
    const report = await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${first!.id}`);
    expect(report.status).toBe(200);
    // Sent, or already delivered as SES's event tells.
    const settled = (status: string) => ['sent', 'delivered'].includes(status);
    await waitFor('the sends recorded', async () =>
      (await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${first!.id}`)).body.messages.every(
        (m) => settled(m.status),
      ),
    );
    const channels = (
      await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${first!.id}`)
    ).body.messages
      .map((m) => m.channel)
      .sort();
    expect(channels).toEqual(['email', 'in-app', 'sms']);
    const listed = await admin.call<RequestsPage>('GET', `/api/v1/notifications/requests?studentId=${students[0]!.id}`);
    expect(listed.body.items.map((r) => r.id)).toEqual([first!.id]);

    // Saving the register again after the alert went sends nothing more.
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'excused' }),
    );
    await graceTimeEnds();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(emailsTo(students[0]!.email)).toHaveLength(1);
  });

  it('puts the alert in the guardian’s in-app inbox, unread until read', async () => {
    const page = await guardianUser.call<InboxPage>('GET', '/api/v1/notifications');
    expect(page.status).toBe(200);
    expect(page.body.unread).toBe(1);
    expect(page.body.items[0]).toMatchObject({ kind: 'absence-alert', category: 'absence', readAt: null });
    const read = await guardianUser.call<{ unread: number }>(
      'POST',
      `/api/v1/notifications/${page.body.items[0]!.id}/read`,
    );
    expect(read.body.unread).toBe(0);
    // Another person's message is not theirs to read.
    const others = await oak.db.query<{ id: string }>(
      `SELECT id FROM notification_messages WHERE channel = 'in-app' AND recipient_id <> :g::uuid LIMIT 1`,
      { g: students[0]!.guardianId },
    );
    if (others[0]) {
      expect((await guardianUser.call('POST', `/api/v1/notifications/${others[0].id}/read`)).status).toBe(404);
    }
    expect((await teacher.call<InboxPage>('GET', '/api/v1/notifications')).body.items).toHaveLength(0);
  });

  it('wakes the dispatcher through the queue when the grace time is zero', async () => {
    await settingsWith({ absenceGraceMinutes: 0 });
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'excused', 3: 'absent' }),
    );
    await waitFor('the alert woken through the queue', () => emailsTo(students[3]!.email).length === 1);
  });

  it('honours the guardian’s channels and language, and refuses SMS beyond the monthly budget', async () => {
    const prefs = await guardianUser.call<Preferences>('PUT', '/api/v1/notifications/preferences', {
      locale: 'en',
      channels: { absence: [], announcements: ['email'] },
    });
    expect(prefs.status).toBe(200);
    // Absence alerts are required: with nothing chosen, the school's default applies.
    expect(prefs.body.categories.find((c) => c.category === 'absence')).toMatchObject({
      required: true,
      chosen: false,
      channels: ['email', 'sms'],
    });
    const bad = await guardianUser.call<{ error: { fields: { path: string }[] } }>(
      'PUT',
      '/api/v1/notifications/preferences',
      {
        locale: 'fr',
        channels: { absence: ['pigeon'] },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f) => f.path).sort()).toEqual(['body.channels.absence.0', 'body.locale']);

    const used = (await admin.call<NotificationSettingsView>('GET', '/api/v1/notifications/settings')).body
      .smsSentThisMonth;
    await settingsWith({ smsMonthlyBudget: used + 1 });
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'excused', 3: 'absent', 4: 'absent', 5: 'absent' }),
    );
    await waitFor(
      'the notification',
      async () => emailsTo(students[4]!.email).length === 1 && emailsTo(students[5]!.email).length === 1,
    );
    const texts = textsTo(students[4]!.phone).length + textsTo(students[5]!.phone).length;
    expect(texts).toBe(1);
    // The admin is told, once, in the inbox.
    await waitFor(
      'the notification',
      async () => (await admin.call<InboxPage>('GET', '/api/v1/notifications')).body.items.length === 1,
    );
    expect((await admin.call<InboxPage>('GET', '/api/v1/notifications')).body.items[0]!.kind).toBe(
      'sms-budget-reached',
    );
  });

  it('validates the settings field by field', async () => {
    const bad = await admin.call<{ error: { fields: { path: string }[] } }>('PUT', '/api/v1/notifications/settings', {
      absenceAlerts: true,
      absenceAlertsRequired: true,
      alertOnLate: false,
      absenceGrace: 'whenever',
      absenceGraceMinutes: -1,
      absenceAlertTime: '25:00',
      quietHoursStart: '21:00',
      quietHoursEnd: '07:30',
      smsMonthlyBudget: 10,
      riskNoticesToGuardians: false,
      messageRetentionDays: 365,
      riskNotices: true,
      chronicAbsenceNotices: true,
      invoiceNotices: true,
      feeReminderDays: 31,
      overdueReminders: true,
      dailyNoticesTime: '9am',
      defaultChannels: { absence: ['email', 'email'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f) => f.path).sort()).toEqual([
      'body.absenceAlertTime',
      'body.absenceGrace',
      'body.absenceGraceMinutes',
      'body.dailyNoticesTime',
      'body.defaultChannels.absence',
      'body.feeReminderDays',
    ]);
    expect((await teacher.call('GET', '/api/v1/notifications/settings')).status).toBe(403);
  });

  it('follows SES events: delivered, then a bounce or STOP makes the address undeliverable for later alerts', async () => {
    await settingsWith({ smsMonthlyBudget: 1000 });
    const guardian = students[3]!;
    const statusOf = async (channel: string) =>
      (
        await oak.db.query<{ status: string }>(
          `SELECT status FROM notification_messages WHERE recipient_id = :g::uuid AND channel = :channel
            ORDER BY queued_at DESC LIMIT 1`,
          { g: guardian.guardianId, channel },
        )
      )[0]?.status;
    // The local SES reported the delivery, and the rule's function applied it.
    await waitFor('the delivery applied', async () => (await statusOf('email')) === 'delivered');

    const [email] = emailsTo(guardian.email);
    platform().messaging.mailbox.simulateEmailFeedback(email!.id, guardian.email, 'Bounce');
    await waitFor('the bounce applied', async () => (await statusOf('email')) === 'bounced');
    const [text] = textsTo(guardian.phone);
    platform().messaging.mailbox.simulateStopReply(text!.id);

    // A brother in the class: his alert reaches the guardian in the app, and neither by e-mail nor text.
    const [brother] = await oak.db.query<{ id: string }>(
      `WITH s AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                  VALUES ('O-9', 'Brother', 'Oak', :c::uuid) RETURNING id),
            l AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                  SELECT s.id, :g::uuid, 'parent' FROM s)
       SELECT id FROM s`,
      { c: classId, g: guardian.guardianId },
    );
    students.push({ ...guardian, id: brother!.id });
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'excused', 3: 'absent', 4: 'absent', 5: 'absent', 6: 'absent' }),
    );
    const [request] = await requestsOf(brother!.id);
    await waitFor(
      'the brother’s alert dispatched',
      async () => (await requestsOf(brother!.id))[0]?.status === 'dispatched',
    );
    await waitFor('its sends settled', async () => {
      const report = await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${request!.id}`);
      return report.body.messages.every((m) => !['queued', 'sending'].includes(m.status));
    });
    const report = await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${request!.id}`);
    expect(report.body.messages.map((m) => `${m.channel}:${m.status}`).sort()).toEqual([
      'email:failed',
      'in-app:delivered',
      'sms:opted-out',
    ]);
    expect(emailsTo(guardian.email)).toHaveLength(1);
    expect(textsTo(guardian.phone)).toHaveLength(1);
    // The bounce is in the audit log, about the guardian.
    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'mark-undeliverable' AND :g::uuid = ANY (subjects)`,
      { g: guardian.guardianId },
    );
    expect(audited!.n).toBeGreaterThanOrEqual(1);
  });
});

describe('announcements', () => {
  const draft = () => ({
    audience: { scope: 'class', classId },
    title: 'Visita de estudo',
    body: 'A turma vai ao museu na sexta-feira.',
  });

  it('previews who a class announcement reaches, and sends it once per client key', async () => {
    const guardians = new Set(students.map((s) => s.guardianId)).size;
    const preview = await teacher.call<AnnouncementPreview>(
      'POST',
      '/api/v1/notifications/announcements/preview',
      draft(),
    );
    expect(preview.status).toBe(200);
    // The class's guardians and its home-room teacher.
    expect(preview.body.recipients).toEqual({ guardians, staff: 1, total: guardians + 1 });
    expect(preview.body.channels['in-app']).toBe(guardians + 1);
    expect(preview.body.message.body).toContain('A turma vai ao museu');

    const clientKey = `trip-${Date.now()}`;
    const sent = await teacher.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
      ...draft(),
      clientKey,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ recipients: guardians + 1, created: true });
    const again = await teacher.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
      ...draft(),
      clientKey,
    });
    expect(again.body).toMatchObject({ id: sent.body.id, created: false });

    const reached = (address: string) => emailsTo(address).some((m) => m.subject === 'Visita de estudo');
    // Guardian 3's address bounced before: every other guardian gets the e-mail.
    await waitFor('the announcement e-mailed', () =>
      students.filter((s, i) => i !== 3 && i !== 6).every((s) => reached(s.email)),
    );
    expect(reached(students[3]!.email)).toBe(false);
    await waitFor('its sends settled', async () => {
      const report = await teacher.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${sent.body.id}`);
      return report.body.totals.queued === undefined && report.body.totals.sending === undefined;
    });
    const report = await teacher.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${sent.body.id}`);
    const emails = report.body.messages.filter((m) => m.channel === 'email').map((m) => m.status);
    // Every guardian's but the bounced one, and the teacher's own.
    expect(emails.filter((status) => status === 'failed')).toHaveLength(1);
    expect(emails.filter((status) => ['sent', 'delivered'].includes(status))).toHaveLength(guardians - 1 + 1);
    expect(report.body.messages.filter((m) => m.channel === 'in-app')).toHaveLength(guardians + 1);
    // Once each, whatever the retries.
    expect(emailsTo(students[0]!.email).filter((m) => m.subject === 'Visita de estudo')).toHaveLength(1);
    expect((await teacher.call<InboxPage>('GET', '/api/v1/notifications')).body.items[0]!.kind).toBe('announcement');
  });

  it('lets a teacher announce to their own classes only, and refuses an unknown class', async () => {
    const school = await teacher.call('POST', '/api/v1/notifications/announcements/preview', {
      ...draft(),
      audience: { scope: 'school' },
    });
    expect(school.status).toBe(403);
    const unknown = await admin.call('POST', '/api/v1/notifications/announcements/preview', {
      ...draft(),
      audience: { scope: 'class', classId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.status).toBe(404);
    const late = await admin.call<{ error: { fields: { path: string }[] } }>(
      'POST',
      '/api/v1/notifications/announcements',
      {
        ...draft(),
        clientKey: 'too-late-key',
        sendAt: new Date(Date.now() + 100 * 86_400_000).toISOString(),
      },
    );
    expect(late.status).toBe(400);
    expect(late.body.error.fields.map((f) => f.path)).toEqual(['body.sendAt']);
  });

  it('holds a scheduled announcement until its time', async () => {
    const sendAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const later = await admin.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
      ...draft(),
      audience: { scope: 'staff' },
      clientKey: `staff-${Date.now()}`,
      sendAt,
    });
    expect(later.status).toBe(201);
    expect(new Date(later.body.dueAt).getTime()).toBe(new Date(sendAt).getTime());
    runSweep();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [row] = await oak.db.query<{ status: string }>(
      'SELECT status FROM notification_requests WHERE id = :id::uuid',
      { id: later.body.id },
    );
    expect(row!.status).toBe('pending');
  });

  it('holds an announcement sent during the quiet hours until they end', async () => {
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        hourCycle: 'h23',
        timeZone: exampleSettings.timezone,
      }).format(new Date()),
    );
    const at = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    await settingsWith({ quietHoursStart: at(hour - 1), quietHoursEnd: at(hour + 2) });
    try {
      const quiet = await admin.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
        ...draft(),
        audience: { scope: 'staff' },
        clientKey: `quiet-${Date.now()}`,
      });
      expect(quiet.status).toBe(201);
      await waitFor('the announcement held', async () => {
        const [row] = await oak.db.query<{ status: string; held: boolean }>(
          `SELECT status, due_at > now() + interval '30 minutes' AS held FROM notification_requests WHERE id = :id::uuid`,
          { id: quiet.body.id },
        );
        return row!.status === 'pending' && row!.held;
      });
      const [{ n }] = (await oak.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM notification_messages WHERE request_id = :id::uuid',
        { id: quiet.body.id },
      )) as [{ n: number }];
      expect(n).toBe(0);
    } finally {
      await settingsWith({ quietHoursStart: '00:00', quietHoursEnd: '00:00' });
    }
  });
});

describe('the school’s own wording', () => {
  const own = {
    subject: 'Falta de {{studentName}}',
    body: 'Olá {{guardianName}}, {{studentName}} faltou hoje ({{className}}).',
    short: '{{studentName}} faltou hoje.',
  };

  it('lists the wording, refuses unknown variables by field, previews, and uses the school’s own', async () => {
    const list = await admin.call<TemplateList>('GET', '/api/v1/notifications/templates');
    const absence = list.body.items.find((item) => item.kind === 'absence-alert')!;
    expect(absence.templates.pt.custom).toBe(false);
    expect(Object.keys(absence.variables)).toContain('studentName');

    const bad = await admin.call<{ error: { fields: { path: string; message: string }[] } }>(
      'PUT',
      '/api/v1/notifications/templates/absence-alert/pt',
      { ...own, body: 'Olá {{parentNickname}}' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ path: 'body.body' })]);
    expect(bad.body.error.fields[0]!.message).toContain('{{parentNickname}}');

    const preview = await admin.call<{ subject: string }>(
      'POST',
      '/api/v1/notifications/templates/absence-alert/pt/preview',
      own,
    );
    expect(preview.body.subject).toBe('Falta de João Silva');

    const written = await admin.call<{ custom: boolean }>(
      'PUT',
      '/api/v1/notifications/templates/absence-alert/pt',
      own,
    );
    expect(written.body.custom).toBe(true);
    // Student 2 was excused; marked absent now, their guardian's alert has the school's words.
    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ 0: 'absent', 2: 'absent', 3: 'absent', 4: 'absent', 5: 'absent', 6: 'absent' }),
    );
    await waitFor('the alert in the school’s words', () =>
      emailsTo(students[2]!.email).some((m) => m.subject === 'Falta de Pupil2 Oak'),
    );

    const reset = await admin.call<{ custom: boolean; subject: string }>(
      'DELETE',
      '/api/v1/notifications/templates/absence-alert/pt',
    );
    expect(reset.body).toMatchObject({ custom: false, subject: '{{studentName}} teve marcação de {{mark}} hoje' });
  });
});

describe('the list of notifications', () => {
  it('pages through every notification once, those due at the same instant included', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: RequestsPage } = await admin.call<RequestsPage>(
        'GET',
        `/api/v1/notifications/requests?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await oak.db.query<{ id: string; ties: number }>(
      `SELECT id, (count(*) OVER (PARTITION BY due_at))::int AS ties FROM notification_requests`,
    );
    expect(all.some((row) => row.ties > 1)).toBe(true);
    expect(seen.sort()).toEqual(all.map((row) => row.id).sort());
  });
});

/** A live connection opened as the web app opens it: a ticket from the API, then `/live?ticket=…` on the app's origin. */
async function openLive(ticket: string): Promise<{ socket: WebSocket; heard: string[] } | { refused: number }> {
  const socket = new WebSocket(`${platform().url.replace(/^http/, 'ws')}/live?ticket=${encodeURIComponent(ticket)}`);
  const heard: string[] = [];
  socket.on('message', (data: Buffer) => heard.push(data.toString('utf8')));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, heard }));
    socket.once('unexpected-response', (_request, response) => resolve({ refused: response.statusCode ?? 0 }));
    socket.once('error', reject);
  });
}

async function liveAs(user: SchoolUser): Promise<{ socket: WebSocket; heard: string[]; ticket: string }> {
  const issued = await user.call<{ ticket: string; path: string; expiresAt: string }>(
    'POST',
    '/api/v1/notifications/live-tickets',
  );
  expect(issued.status).toBe(201);
  expect(issued.body.path).toBe('/live');
  const opened = await openLive(issued.body.ticket);
  if ('refused' in opened) throw new Error(`the live connection was refused with ${opened.refused}`);
  return { ...opened, ticket: issued.body.ticket };
}

describe('the live inbox', () => {
  it('opens only with an unused ticket of the API, and answers a ping', async () => {
    expect(await openLive('not-a-ticket-at-all-0000')).toEqual({ refused: 401 });
    const live = await liveAs(guardianUser);
    // A ticket opens one connection.
    expect(await openLive(live.ticket)).toEqual({ refused: 401 });
    live.socket.send('ping');
    await waitFor('the pong', () => live.heard.includes(JSON.stringify({ type: 'pong' })), 10);
    live.socket.close();
    await waitFor('the connection forgotten', () => platform().live!.connections() === 0, 10);
  });

  it('tells a guardian with the app open of a new alert about their child, and no other guardian', async () => {
    await settingsWith({ absenceGrace: 'after-register', absenceGraceMinutes: 0 });
    const otherGuardian = await oak.user('guardian', { email: 'parent1@oak.test' });
    await oak.db.query(`UPDATE guardians SET user_sub = :u WHERE id = :g::uuid`, {
      u: otherGuardian.userId,
      g: students[1]!.guardianId,
    });
    // A second child of the first guardian, not yet alerted today.
    const [sibling] = await oak.db.query<{ id: string }>(
      `WITH pupil AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                      VALUES ('O-10', 'Sibling', 'Oak', :classId::uuid) RETURNING id),
            link AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                     SELECT id, :g::uuid, 'parent' FROM pupil)
       SELECT id FROM pupil`,
      { classId, g: students[0]!.guardianId },
    );
    students.push({ ...students[0]!, id: sibling!.id });
    const before = (await guardianUser.call<InboxPage>('GET', '/api/v1/notifications')).body.unread;
    const [first, other] = await Promise.all([liveAs(guardianUser), liveAs(otherGuardian)]);

    await teacher.call(
      'PUT',
      `/api/v1/classes/${classId}/attendance/${today}`,
      register({ [students.length - 1]: 'absent' }),
    );
    await waitFor('the live update', () => first.heard.includes(JSON.stringify({ type: 'inbox' })));
    const inbox = (await guardianUser.call<InboxPage>('GET', '/api/v1/notifications')).body;
    expect(inbox.unread).toBe(before + 1);
    expect(inbox.items[0]).toMatchObject({ kind: 'absence-alert', readAt: null });
    expect(inbox.items[0]!.subject).toContain('Sibling Oak');
    // The other guardian's child was present: nothing for them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(other.heard).toEqual([]);
    first.socket.close();
    other.socket.close();
  });
});

describe('message retention', () => {
  it('removes the wording and address of messages older than the school keeps them, audited, and nothing else', async () => {
    const { smsSentThisMonth: _counted, ...current } = (
      await admin.call<NotificationSettingsView>('GET', '/api/v1/notifications/settings')
    ).body;
    expect(current.messageRetentionDays).toBe(365);
    const refused = await admin.call<{ error: { fields: { path: string }[] } }>(
      'PUT',
      '/api/v1/notifications/settings',
      {
        ...current,
        messageRetentionDays: 10,
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f) => f.path)).toContain('body.messageRetentionDays');
    await settingsWith({ messageRetentionDays: 30 });

    const [old] = await oak.db.query<{ id: string }>(
      `UPDATE notification_messages SET queued_at = now() - interval '31 days'
        WHERE id = (SELECT id FROM notification_messages WHERE channel = 'email' AND status <> 'queued'
                     ORDER BY queued_at LIMIT 1)
        RETURNING id`,
    );
    const [{ before }] = (await oak.db.query<{ before: number }>(
      `SELECT count(*)::int AS before FROM notification_messages WHERE purged_at IS NULL`,
    )) as [{ before: number }];
    const purged = await purgeExpiredMessages(oak.db.as({ actor: 'notification-dispatcher', requestId: 'retention' }));
    expect(purged).toBe(1);
    const [message] = await oak.db.query<{
      subject: string;
      body: string;
      address: string | null;
      purged: boolean;
      status: string;
    }>(
      `SELECT subject, body, address, purged_at IS NOT NULL AS purged, status FROM notification_messages WHERE id = :id::uuid`,
      { id: old!.id },
    );
    expect(message).toMatchObject({ subject: '', body: '', address: null, purged: true });
    const [{ after }] = (await oak.db.query<{ after: number }>(
      `SELECT count(*)::int AS after FROM notification_messages WHERE purged_at IS NULL`,
    )) as [{ after: number }];
    expect(after).toBe(before - 1);
    // Audited: which message, whose, with no text of it.
    const [entry] = await oak.db.query<{ after: string; actor: string }>(
      `SELECT after::text AS after, actor FROM audit_entries WHERE action = 'purge' AND entity = 'notification'`,
    );
    expect(entry!.actor).toBe('notification-dispatcher');
    expect(entry!.after).toContain(old!.id);
    expect(entry!.after).not.toContain('@oak.test');
    // A second purge finds nothing more.
    expect(await purgeExpiredMessages(oak.db.as({ actor: 'notification-dispatcher', requestId: 'retention-2' }))).toBe(
      0,
    );
  });
});

describe('fee notices', () => {
  it('tells the guardians of a payment in the payment’s own statement, once however often it is sent', async () => {
    const { defaultChannels } = await settingsWith({});
    await settingsWith({ defaultChannels: { ...defaultChannels, fees: ['email'] }, ...noQuietHours });
    const bursar = await oak.user('bursar');
    const payment = {
      clientKey: 'notice-payment-0001',
      studentId: students[0]!.id,
      amountMinor: 8500,
      method: 'cash',
      paidOn: today,
    };
    const first = await bursar.call<{ receiptNo: string; paymentId: string }>('POST', '/api/v1/payments', payment);
    expect(first.status).toBe(201);
    // Sent again (a retry): the same receipt, and no second notice.
    expect((await bursar.call('POST', '/api/v1/payments', payment)).status).toBe(201);
    const received = () =>
      emailsTo(students[0]!.email).filter((m) => m.subject.startsWith('Payment received for Pupil0 Oak'));
    await waitFor('the receipt notice', () => received().length === 1);
    const [email] = received();
    // In the guardian's own language (English), not the school's: the amount written as they read it.
    expect(email!.subject).toBe('Payment received for Pupil0 Oak: €85.00');
    expect(email!.text).toContain(first.body.receiptNo);
    // The link opens the receipt itself, which the guardian may read, and no other guardian.
    const receiptLink = `${platform().url}/children/${students[0]!.id}/receipts/${first.body.paymentId}`;
    expect(email!.text).toContain(receiptLink);
    const receipt = await guardianUser.call<{ receiptNo: number; balanceMinor: number }>(
      'GET',
      `/api/v1/payments/${first.body.paymentId}/receipt`,
    );
    expect(receipt.status).toBe(200);
    expect(receipt.body.receiptNo).toBe(first.body.receiptNo);
    const [logged] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM access_log WHERE actor = :g AND student_id = :s::uuid AND part = 'fees'`,
      { g: guardianUser.userId, s: students[0]!.id },
    );
    expect(logged!.n).toBeGreaterThanOrEqual(1);
    const stranger = await oak.user('guardian', { email: 'stranger@oak.test' });
    expect((await stranger.call('GET', `/api/v1/payments/${first.body.paymentId}/receipt`)).status).toBe(404);
    const inbox = await guardianUser.call<InboxPage>('GET', '/api/v1/notifications');
    expect(inbox.body.items.filter((m) => m.kind === 'payment-received')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(received()).toHaveLength(1);
    const [requests] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_requests WHERE kind = 'payment-received'`,
    );
    expect(requests!.n).toBe(1);
  });

  it('tells the guardians of each invoice as it is issued, in the invoice run’s own statement, and not again on a second run', async () => {
    await settingsWith({ invoiceNotices: true, ...noQuietHours });
    const bursar = await oak.user('bursar');
    const [term] = await oak.db.query<{ id: string }>(
      `INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
       SELECT id, 'Term 1', '2026-09-01', '2026-12-18' FROM academic_years RETURNING id`,
    );
    const structure = await bursar.call<{ id: string }>('POST', '/api/v1/fee-structures', {
      termId: term!.id,
      category: 'tuition',
      name: 'Seguro escolar',
      amountMinor: 1250,
      dueOn: '2027-01-15',
    });
    expect(structure.status, JSON.stringify(structure.body)).toBe(201);
    const run = () =>
      bursar.call<{ created: number }>('POST', `/api/v1/fee-structures/${structure.body.id}/invoices`, {});
    expect((await run()).body.created).toBe(students.length);
    const issued = (address: string) =>
      emailsTo(address).filter((m) => m.subject.includes('Seguro escolar') && !m.subject.startsWith('Reminder'));
    // One e-mail per invoice to each of the student's guardians (two for a guardian of two students), but
    // none to an address that bounced above: that guardian has it in the app only.
    const expected = await oak.db.query<{ email: string; invoices: number; bounced: boolean }>(
      `SELECT g.email, count(*)::int AS invoices,
              EXISTS (SELECT 1 FROM undeliverable_addresses u WHERE u.address = lower(g.email)) AS bounced
         FROM invoices i JOIN fee_structures fs ON fs.id = i.fee_structure_id AND fs.name = 'Seguro escolar'
         JOIN student_guardians sg ON sg.student_id = i.student_id JOIN guardians g ON g.id = sg.guardian_id
        GROUP BY g.email`,
    );
    expect(expected.filter((e) => e.bounced).map((e) => e.email)).toEqual([students[3]!.email]);
    const everyoneTold = () => expected.every((e) => issued(e.email).length === (e.bounced ? 0 : e.invoices));
    await waitFor('every guardian told of the invoice', everyoneTold);
    // The school's language for a guardian who has not chosen; the amount and due date written as they read them.
    const [told] = issued(students[1]!.email);
    expect(told!.subject).toBe('Nova fatura de Pupil1 Oak: Seguro escolar, 12,50\u00a0€');
    expect(told!.text).toContain('15 de janeiro de 2027');
    expect((await run()).body.created).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(everyoneTold()).toBe(true);
  });

  it('reminds of an unpaid invoice before it falls due and after, once per invoice and stage, in the school’s own time', async () => {
    await settingsWith({ feeReminderDays: 3, overdueReminders: true, dailyNoticesTime: '00:00', ...noQuietHours });
    // Three of the invoices, moved in time: one due in two days, one due yesterday, one due yesterday and paid.
    const [soon, overdue, paid] = [students[1], students[4], students[5]];
    await oak.db.query(
      `UPDATE invoices i SET issued_on = :today::date - 20,
              due_on = CASE i.student_id WHEN :soon::uuid THEN :today::date + 2 ELSE :today::date - 1 END
         FROM fee_structures fs
        WHERE fs.id = i.fee_structure_id AND fs.name = 'Seguro escolar' AND i.student_id IN (:soon::uuid, :overdue::uuid, :paid::uuid)`,
      { today, soon: soon!.id, overdue: overdue!.id, paid: paid!.id },
    );
    const bursar = await oak.user('bursar');
    const [invoice] = await oak.db.query<{ id: string }>(
      `SELECT i.id FROM invoices i JOIN fee_structures fs ON fs.id = i.fee_structure_id
        WHERE fs.name = 'Seguro escolar' AND i.student_id = :s::uuid`,
      { s: paid!.id },
    );
    const payment = {
      clientKey: 'reminder-paid-1',
      studentId: paid!.id,
      invoiceId: invoice!.id,
      amountMinor: 1250,
      method: 'cash',
      paidOn: today,
    };
    expect((await bursar.call('POST', '/api/v1/payments', payment)).status).toBe(201);
    await oak.db.query('UPDATE notification_settings SET daily_notices_on = NULL');
    runHourlyPass();
    const reminders = (address: string, prefix: string) =>
      emailsTo(address).filter((m) => m.subject.startsWith(prefix) && m.subject.includes('Seguro escolar'));
    await waitFor(
      'the reminders',
      () => reminders(soon!.email, 'Lembrete').length === 1 && reminders(overdue!.email, 'Em atraso').length === 1,
    );
    expect(reminders(paid!.email, 'Em atraso')).toHaveLength(0);
    expect(reminders(soon!.email, 'Lembrete')[0]!.text).toContain('12,50\u00a0€');
    // The pass ran today: started again, it asks for nothing; made to run again, the dedupe keys still hold.
    runHourlyPass();
    await oak.db.query('UPDATE notification_settings SET daily_notices_on = NULL');
    runHourlyPass();
    await waitFor('the pass to run again', async () => {
      const [row] = await oak.db.query<{ ran: boolean }>(
        'SELECT daily_notices_on IS NOT NULL AS ran FROM notification_settings',
      );
      return row!.ran;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(reminders(soon!.email, 'Lembrete')).toHaveLength(1);
    expect(reminders(overdue!.email, 'Em atraso')).toHaveLength(1);
    const [counts] = await oak.db.query<{ soon: number; overdue: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'fee-due-soon')::int AS soon, count(*) FILTER (WHERE kind = 'fee-overdue')::int AS overdue
         FROM notification_requests`,
    );
    expect(counts).toEqual({ soon: 1, overdue: 1 });
  });

  it('sends no reminder of an invoice paid after it was asked for', async () => {
    const [invoice] = await oak.db.query<{ id: string }>(
      `SELECT i.id FROM invoices i JOIN fee_structures fs ON fs.id = i.fee_structure_id
        WHERE fs.name = 'Seguro escolar' AND i.student_id = :s::uuid`,
      { s: students[2]!.id },
    );
    // Asked for (its reminder day has come), then paid before the dispatcher sends it.
    await oak.db.query(
      `UPDATE invoices SET issued_on = :today::date - 20, due_on = :today::date + 1 WHERE id = :id::uuid`,
      {
        today,
        id: invoice!.id,
      },
    );
    await oak.db.query('UPDATE notification_settings SET daily_notices_on = NULL');
    const asked = await askForDailyNotices(oak.db.as({ actor: 'notification-dispatcher', requestId: 'daily-test' }));
    expect(asked).toMatchObject({ ran: true, feeReminders: 1 });
    const bursar = await oak.user('bursar');
    const payment = {
      clientKey: 'reminder-paid-2',
      studentId: students[2]!.id,
      invoiceId: invoice!.id,
      amountMinor: 1250,
      method: 'cash',
      paidOn: today,
    };
    expect((await bursar.call('POST', '/api/v1/payments', payment)).status).toBe(201);
    runSweep();
    await waitFor('the reminder cancelled', async () => {
      const [request] = await oak.db.query<{ status: string; outcome: string | null }>(
        `SELECT status, outcome FROM notification_requests WHERE dedupe_key = 'fee-due-soon/' || :id`,
        { id: invoice!.id },
      );
      return request?.status === 'cancelled' && request.outcome === 'paid';
    });
    expect(emailsTo(students[2]!.email).filter((m) => m.subject.startsWith('Lembrete'))).toHaveLength(0);
  });
});

describe('notices to staff', () => {
  it('tells the home-room teacher and the admins once a year when a student’s attendance falls below the chronic-absence rate', async () => {
    await settingsWith({
      chronicAbsenceNotices: true,
      riskNoticesToGuardians: false,
      dailyNoticesTime: '00:00',
      ...noQuietHours,
    });
    const pupil = students[1]!;
    // Twelve school days this year, three of them absent: 75 %, below the 90 % default.
    await oak.db.query(
      `INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
       SELECT :s::uuid, '2026-09-14'::date + n, :c::uuid, CASE WHEN n < 3 THEN 'absent' ELSE 'present' END, 'test'
         FROM generate_series(0, 11) n
       ON CONFLICT (student_id, on_date) DO UPDATE SET status = excluded.status`,
      { s: pupil.id, c: classId },
    );
    await oak.db.query('UPDATE notification_settings SET daily_notices_on = NULL');
    runHourlyPass();
    const noticeOf = async (user: SchoolUser) =>
      (await user.call<InboxPage>('GET', '/api/v1/notifications')).body.items.filter(
        (m) => m.kind === 'chronic-absence' && m.subject.startsWith('Pupil1 Oak'),
      );
    await waitFor('the teacher’s notice', async () => (await noticeOf(teacher)).length === 1);
    expect(await noticeOf(admin)).toHaveLength(1);
    // The rate over every day on record this year (today's register of the tests above included).
    const [rate] = await oak.db.query<{ percent: number }>(
      `SELECT round(100.0 * count(*) FILTER (WHERE status IN ('present', 'late')) / count(*))::int AS percent
         FROM attendance WHERE student_id = :s::uuid`,
      { s: pupil.id },
    );
    expect(rate!.percent).toBeLessThan(90);
    expect((await noticeOf(teacher))[0]!.subject).toBe(
      `Pupil1 Oak esteve presente em ${rate!.percent}% dos dias de aulas deste ano`,
    );
    // Not to the guardians: the school has not said so.
    expect(emailsTo(pupil.email).filter((m) => m.subject.startsWith('Pupil1 Oak esteve presente'))).toHaveLength(0);
    await oak.db.query('UPDATE notification_settings SET daily_notices_on = NULL');
    expect(
      await askForDailyNotices(oak.db.as({ actor: 'notification-dispatcher', requestId: 'daily-again' })),
    ).toMatchObject({
      ran: true,
      chronicAbsence: 0,
    });
  });

  it('tells staff when the scoring newly puts a student at risk, not on a school’s first scoring, and not twice in a month', async () => {
    await settingsWith({ riskNotices: true, ...noQuietHours });
    const pupil = students[2]!;
    const write = (risk: number, runId: string) => scoredAtRisk(pupil.id, risk, runId);
    // First scored already at risk: nobody is told (a school's first run would tell of everyone).
    await oak.db.query('DELETE FROM student_analytics WHERE student_id = :s::uuid', { s: pupil.id });
    expect(await write(0.8, 'run-1')).toEqual({ written: 1, riskNotices: 0 });
    expect(await write(0.2, 'run-2')).toEqual({ written: 1, riskNotices: 0 });
    expect(await write(0.7, 'run-3')).toEqual({ written: 1, riskNotices: 1 });
    // Back below and up again within the month: no second notice.
    await write(0.2, 'run-4');
    expect(await write(0.75, 'run-5')).toEqual({ written: 1, riskNotices: 0 });
    runSweep();
    const notices = async (user: SchoolUser) =>
      (await user.call<InboxPage>('GET', '/api/v1/notifications')).body.items.filter((m) => m.kind === 'at-risk');
    await waitFor('the teacher’s notice', async () => (await notices(teacher)).length === 1);
    const [notice] = await notices(teacher);
    expect(notice!.subject).toBe('Pupil2 Oak pode precisar de apoio');
    expect(notice!.body).toContain('70%');
    expect(notice!.body).toContain(`${platform().url}/students/${pupil.id}`);
    expect(await notices(admin)).toHaveLength(1);
  });
});

describe('one-click unsubscribe (RFC 8058)', () => {
  const announce = async (title: string) => {
    const sent = await admin.call('POST', '/api/v1/notifications/announcements', {
      audience: { scope: 'class-guardians', classId },
      title,
      body: 'Informação da escola.',
      clientKey: `${title}-${Date.now()}`,
    });
    expect(sent.status).toBe(201);
  };
  const titled = (address: string, title: string) => emailsTo(address).filter((m) => m.subject === title);
  const header = (email: SentEmail, name: string) =>
    Object.entries(email.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

  it('puts the link in every non-essential e-mail, shows a page that changes nothing, and stops that category by e-mail for that person only', async () => {
    await settingsWith({ ...noQuietHours });
    const [reader, other] = [students[1]!, students[2]!];
    await announce('Feira do livro');
    runSweep();
    await waitFor('the announcement e-mails', () => titled(reader.email, 'Feira do livro').length === 1);
    const [email] = titled(reader.email, 'Feira do livro');
    const link = /^<(.+)>$/.exec(header(email!, 'List-Unsubscribe') ?? '')?.[1];
    expect(link).toMatch(new RegExp(`^${platform().url}/api/notifications/unsubscribe/[a-z0-9-]+/[0-9a-f-]{36}$`));
    expect(header(email!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The same link at the foot of the text, in the recipient's language.
    expect(email!.text).toContain(`Para deixar de receber estes e-mails: ${link}`);
    // An essential message (here, the invoice notice above) carries none.
    const essential = emailsTo(reader.email).filter((m) => m.subject.startsWith('Nova fatura'));
    expect(essential.length).toBeGreaterThan(0);
    expect(essential.every((m) => header(m, 'List-Unsubscribe') === undefined)).toBe(true);

    // Opening the link (as a mail scanner does) shows the question and changes nothing.
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('Deixar de receber e-mails sobre avisos da escola de Escola Carvalho?');
    expect(html).toContain('<form method="post">');
    const choices = async () =>
      oak.db.query<{ channels: string }>(
        `SELECT channels::text AS channels FROM notification_preferences WHERE person_id = :g::uuid`,
        { g: reader.guardianId },
      );
    const before = await choices();

    // The mail client's one-click POST: no session, the RFC's body.
    const post = () =>
      fetch(link!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
    const stopped = await post();
    expect(stopped.status).toBe(200);
    expect(await stopped.text()).toContain('Deixará de receber e-mails sobre avisos da escola de Escola Carvalho.');
    const [after] = await choices();
    expect(JSON.parse(after!.channels).announcements).toEqual([]);
    expect(before).not.toEqual([after]);
    const audited = await oak.db.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'unsubscribe' AND entity = 'notification-preferences'`,
    );
    expect(audited.map((a) => a.actor)).toEqual(['unsubscribe-link']);
    // Again: nothing more changes, nothing more is written.
    expect((await post()).status).toBe(200);
    expect(
      await oak.db.query(
        `SELECT 1 FROM audit_log WHERE action = 'unsubscribe' AND entity = 'notification-preferences'`,
      ),
    ).toHaveLength(1);

    // The next announcement: not by e-mail to this guardian, still in the app; others still by e-mail.
    await announce('Dia aberto');
    runSweep();
    await waitFor('the next announcement', () => titled(other.email, 'Dia aberto').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(titled(reader.email, 'Dia aberto')).toHaveLength(0);
    const [inApp] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
        WHERE m.recipient_id = :g::uuid AND m.channel = 'in-app' AND q.payload->>'title' = 'Dia aberto'`,
      { g: reader.guardianId },
    );
    expect(inApp!.n).toBe(1);
  });

  it('refuses a link that is malformed, of an essential message, or of another school', async () => {
    const [alert] = await oak.db.query<{ id: string }>(
      `SELECT m.id FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
        WHERE q.kind = 'absence-alert' AND m.channel = 'email' LIMIT 1`,
    );
    const at = (schoolId: string, messageId: string) =>
      fetch(`${platform().url}/api/notifications/unsubscribe/${schoolId}/${messageId}`, { method: 'POST' });
    expect((await at(oak.school.schoolId, alert!.id)).status).toBe(404);
    expect((await at('no-such-school', alert!.id)).status).toBe(404);
    const malformed = await at('Not A School!', 'not-a-uuid');
    expect(malformed.status).toBe(400);
    const { error } = (await malformed.json()) as { error: { fields: { path: string }[] } };
    expect(error.fields.map((f) => f.path).sort()).toEqual(['path.messageId', 'path.schoolId']);
  });
});

describe('the school’s rules, case by case', () => {
  type Pupil = { id: string; guardianId: string; email: string; phone: string };
  let made = 0;
  /**
   * A new pupil of 5A with a guardian of their own (signed in as `guardianSub` when given), or
   * with `siblingOf`'s guardian; the register's list takes them in, marked present unless told.
   */
  async function newPupil(options: { guardianSub?: string; siblingOf?: Pupil } = {}): Promise<Pupil> {
    made++;
    const [pupil] = await oak.db.query<Pupil>(
      `WITH s AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                  VALUES ('P-' || :n, 'Policy' || :n, 'Oak', :c::uuid) RETURNING id),
            g AS (INSERT INTO guardians (name, email, phone, user_sub)
                  SELECT 'Guardian P' || :n, 'policy' || :n || '@oak.test', '+3519300000' || lpad(:n, 2, '0'), :sub
                   WHERE :sibling::uuid IS NULL
                  RETURNING id, email, phone),
            chosen AS (SELECT id, email, phone FROM g
                       UNION ALL SELECT id, email, phone FROM guardians WHERE id = :sibling::uuid),
            l AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                  SELECT s.id, chosen.id, 'parent' FROM s, chosen)
       SELECT s.id, chosen.id AS "guardianId", chosen.email, chosen.phone FROM s, chosen`,
      { n: String(made), c: classId, sub: options.guardianSub ?? null, sibling: options.siblingOf?.guardianId ?? null },
    );
    students.push(pupil!);
    return pupil!;
  }
  /** Today's register with these pupils marked, everyone else present. */
  const saveRegister = async (marks: [Pupil, string][]) => {
    const saved = await teacher.call('PUT', `/api/v1/classes/${classId}/attendance/${today}`, {
      marks: students.map((s) => ({ studentId: s.id, status: marks.find(([p]) => p.id === s.id)?.[1] ?? 'present' })),
    });
    expect(saved.status).toBe(200);
  };
  const messagesOf = (studentId: string) =>
    oak.db.query<{ channel: string; status: string; reason: string | null; recipient: string }>(
      `SELECT m.channel, m.status, m.reason, m.recipient_id::text AS recipient
         FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
        WHERE q.student_id = :s::uuid ORDER BY m.channel`,
      { s: studentId },
    );
  /** The school's local time `minutes` from now, as HH:MM. */
  const localTimeIn = async (minutes: number) =>
    (
      await oak.db.query<{ at: string }>(
        `SELECT to_char((now() + make_interval(mins => CAST(:m AS int))) AT TIME ZONE timezone, 'HH24:MI') AS at FROM school_settings`,
        { m: minutes },
      )
    )[0]!.at;

  it('asks for an alert on a late mark only when the school says so', async () => {
    await settingsWith({
      absenceGrace: 'after-register',
      absenceGraceMinutes: 30,
      alertOnLate: false,
      ...noQuietHours,
    });
    const [late, alsoLate] = [await newPupil(), await newPupil()];
    await saveRegister([[late, 'late']]);
    expect(await requestsOf(late.id)).toHaveLength(0);
    await settingsWith({ alertOnLate: true });
    await saveRegister([
      [late, 'present'],
      [alsoLate, 'late'],
    ]);
    expect(await requestsOf(alsoLate.id)).toMatchObject([{ status: 'pending' }]);
    expect(await requestsOf(late.id)).toHaveLength(0);
    await settingsWith({ alertOnLate: false });
  });

  it('at the school’s time of day: due then however early the register, at once when the register comes later', async () => {
    const [early, late] = [await newPupil(), await newPupil()];
    // A time still to come today (unless the day is nearly over, when the end of the day is used).
    const later = await localTimeIn(90);
    const alertTime = later < (await localTimeIn(0)) ? '23:59' : later;
    await settingsWith({ absenceGrace: 'at-time', absenceAlertTime: alertTime });
    await saveRegister([[early, 'absent']]);
    const [expected] = await oak.db.query<{ due: string }>(
      `SELECT ((:day::date + :time::time) AT TIME ZONE timezone)::text AS due FROM school_settings`,
      { day: today, time: alertTime },
    );
    const [request] = await oak.db.query<{ due: string; status: string }>(
      `SELECT due_at::text AS due, status FROM notification_requests WHERE student_id = :s::uuid`,
      { s: early.id },
    );
    expect(request).toEqual({ due: expected!.due, status: 'pending' });

    // A register taken after the alert time (midnight has always passed): the alert is due at once.
    await settingsWith({ absenceAlertTime: '00:00' });
    await saveRegister([
      [early, 'absent'],
      [late, 'absent'],
    ]);
    const [prompt] = await oak.db.query<{ wait: number }>(
      `SELECT extract(epoch FROM due_at - created_at)::int AS wait FROM notification_requests WHERE student_id = :s::uuid`,
      { s: late.id },
    );
    expect(prompt!.wait).toBeLessThanOrEqual(1);
    await waitFor('the prompt alert', () => emailsTo(late.email).length === 1);
    await saveRegister([[early, 'present']]);
    await graceTimeEnds();
    await waitFor('the early one cancelled', async () => (await requestsOf(early.id))[0]?.status === 'cancelled');
  });

  it('goes out during the quiet hours (it is urgent), is audited about the guardian and the student, and the teacher who took the register is not told even as a guardian', async () => {
    // Quiet hours from an hour ago to an hour from now.
    await settingsWith({
      absenceGrace: 'after-register',
      absenceGraceMinutes: 0,
      quietHoursStart: await localTimeIn(-60),
      quietHoursEnd: await localTimeIn(60),
    });
    const teachersChild = await newPupil({ guardianSub: teacher.userId });
    const [other] = await oak.db.query<{ id: string; email: string }>(
      `WITH g AS (INSERT INTO guardians (name, email) VALUES ('Other parent', 'other-parent@oak.test') RETURNING id, email),
            l AS (INSERT INTO student_guardians (student_id, guardian_id, relationship) SELECT :s::uuid, g.id, 'parent' FROM g)
       SELECT id, email FROM g`,
      { s: teachersChild.id },
    );
    await saveRegister([[teachersChild, 'absent']]);
    await waitFor('the alert sent in the quiet hours', () => emailsTo(other!.email).length === 1);
    const messages = await messagesOf(teachersChild.id);
    expect(messages.some((m) => m.recipient === teachersChild.guardianId)).toBe(false);
    expect(messages.filter((m) => m.recipient === other!.id).map((m) => m.channel)).toEqual(['email', 'in-app']);
    expect(emailsTo(teachersChild.email)).toHaveLength(0);

    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_entries
        WHERE action = 'dispatch' AND :g::uuid = ANY (subjects) AND :s::uuid = ANY (subjects)`,
      { g: other!.id, s: teachersChild.id },
    );
    expect(audited!.n).toBeGreaterThanOrEqual(1);
    await settingsWith({ ...noQuietHours });
  });

  it('tells the guardians of a student newly at risk too, when the school allows it', async () => {
    await settingsWith({ riskNotices: true, riskNoticesToGuardians: true, ...noQuietHours });
    const pupil = await newPupil();
    const write = (risk: number, runId: string) => scoredAtRisk(pupil.id, risk, runId);
    await write(0.2, 'guardians-run-1');
    expect(await write(0.8, 'guardians-run-2')).toEqual({ written: 1, riskNotices: 1 });
    runSweep();
    const guardiansNotice = async () =>
      (
        await oak.db.query<{ body: string }>(
          `SELECT m.body FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
            WHERE q.kind = 'at-risk' AND q.student_id = :s::uuid AND m.recipient_id = :g::uuid AND m.channel = 'in-app'`,
          { s: pupil.id, g: pupil.guardianId },
        )
      )[0];
    await waitFor('the guardian’s notice', async () => (await guardiansNotice()) !== undefined);
    // The guardian's link is their child's page, not the staff's student page.
    expect((await guardiansNotice())!.body).toContain(`/children/${pupil.id}`);
    await settingsWith({ riskNoticesToGuardians: false });
  });

  it('previews an announcement to a grade: the guardians of every class of the grade', async () => {
    const [grade] = await oak.db.query<{ id: string; guardians: number }>(
      `SELECT c.grade_level_id AS id,
              (SELECT count(DISTINCT sg.guardian_id)::int FROM student_guardians sg JOIN students s ON s.id = sg.student_id
                 JOIN classes c2 ON c2.id = s.class_id WHERE c2.grade_level_id = c.grade_level_id) AS guardians
         FROM classes c WHERE c.id = :c::uuid`,
      { c: classId },
    );
    const preview = await admin.call<AnnouncementPreview>('POST', '/api/v1/notifications/announcements/preview', {
      audience: { scope: 'grade', gradeLevelId: grade!.id },
      title: 'Reunião do 5.º ano',
      body: 'Reunião de pais na quinta-feira.',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.recipients.guardians).toBe(grade!.guardians);
    expect(grade!.guardians).toBeGreaterThan(5);
  });

  it('follows text status events and complaints: a number that does not exist and an address that complained get nothing more', async () => {
    await settingsWith({
      absenceGrace: 'after-register',
      absenceGraceMinutes: 0,
      smsMonthlyBudget: 1000,
      ...noQuietHours,
    });
    const pupil = await newPupil();
    await saveRegister([[pupil, 'absent']]);
    await waitFor(
      'the e-mail and the text',
      () => emailsTo(pupil.email).length === 1 && textsTo(pupil.phone).length === 1,
    );
    const statusOf = async (channel: string) => (await messagesOf(pupil.id)).find((m) => m.channel === channel);
    // The local service's TEXT_DELIVERED event, through the text-events rule and the sending-events worker.
    await waitFor('the text delivered', async () => (await statusOf('sms'))?.status === 'delivered');

    platform().messaging.mailbox.simulateTextFailure(textsTo(pupil.phone)[0]!.id, 'TEXT_INVALID');
    await waitFor('the text bounced', async () => (await statusOf('sms'))?.status === 'bounced');
    expect((await statusOf('sms'))!.reason).toBe('the number does not exist');
    platform().messaging.mailbox.simulateEmailFeedback(emailsTo(pupil.email)[0]!.id, pupil.email, 'Complaint');
    await waitFor('the complaint applied', async () => (await statusOf('email'))?.status === 'complained');
    const undeliverable = await oak.db.query<{ address: string; channel: string; reason: string }>(
      `SELECT address, channel, reason FROM undeliverable_addresses WHERE address IN (:e, :p) ORDER BY channel`,
      { e: pupil.email, p: pupil.phone },
    );
    expect(undeliverable).toEqual([
      { address: pupil.email, channel: 'email', reason: 'complained' },
      { address: pupil.phone, channel: 'sms', reason: 'bounced' },
    ]);

    // A sister's alert reaches the guardian in the app only.
    const sister = await newPupil({ siblingOf: pupil });
    await saveRegister([
      [pupil, 'absent'],
      [sister, 'absent'],
    ]);
    await waitFor('the sister’s alert settled', async () => {
      const messages = await messagesOf(sister.id);
      return messages.length === 3 && messages.every((m) => !['queued', 'sending'].includes(m.status));
    });
    expect((await messagesOf(sister.id)).map((m) => `${m.channel}:${m.status}:${m.reason ?? ''}`)).toEqual([
      'email:failed:the address bounced or complained before',
      'in-app:delivered:',
      'sms:failed:the carrier said the number does not exist',
    ]);
    expect(emailsTo(pupil.email)).toHaveLength(1);
    expect(textsTo(pupil.phone)).toHaveLength(1);
  });
});
