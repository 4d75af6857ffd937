import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsentList, StudentConsents } from '../../lambdas/api/privacy/consents.schemas';
import type { AnnouncementCreated, AnnouncementPreview } from '../../lambdas/api/notifications/notifications.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { until } from '../support/until';
import { runExecution } from '../support/workflows';

/**
 * Consent records through real HTTP on the local platform: guardians decide for their own
 * children in the portal, the school records decisions it receives, every decision is kept and
 * audited, and the scoring run follows them (a refusal or withdrawal stops scoring and removes
 * what was computed, at once).
 */
const platform = useLocalPlatform('consents', { stepFunctionsRetryIntervalMs: 10 });
let oak: SchoolFixture;
let admin: SchoolUser;
let teacher: SchoolUser;
let guardian: SchoolUser;
let otherGuardian: SchoolUser;
/** Pupils a–d by admission number; a is the guardian's child, b the other guardian's. */
let pupil: Record<'a' | 'b' | 'c' | 'd', string>;
let guardianId: string;
let otherGuardianId: string;

type ErrorBody = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };

const scored = async () =>
  (
    await oak.db.query<{ admissionNo: string }>(
      `SELECT s.admission_no AS "admissionNo" FROM student_analytics sa JOIN students s ON s.id = sa.student_id
        ORDER BY 1`,
    )
  ).map((row) => row.admissionNo);

const predicted = async (studentId: string) =>
  (
    await oak.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM risk_predictions WHERE student_id = :id::uuid`, {
      id: studentId,
    })
  )[0]!.n;

const score = async () => {
  const run = await runExecution('campus-local-scoring-run', { trigger: 'operator', schoolId: oak.school.schoolId });
  expect(run.status).toBe('SUCCEEDED');
  return run;
};

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakconsent');
  admin = await oak.user('school-admin');
  teacher = await oak.user('teacher');
  guardian = await oak.user('guardian', { email: 'mother@oakconsent.test' });
  otherGuardian = await oak.user('guardian', { email: 'father@oakconsent.test' });
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  await oak.db.execute(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('Now', current_date - 60, current_date + 200) RETURNING id),
     term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
              SELECT id, 'Term 1', current_date - 60, current_date + 30 FROM year RETURNING id),
     grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('7', 7) RETURNING id),
     class AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '7C' FROM year, grade RETURNING id),
     subject AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Mathematics') RETURNING id),
     -- c and d are 11: under a parental-consent age of 13.
     pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id, date_of_birth)
                SELECT p.no, upper(p.no), 'Pupil', class.id, current_date - make_interval(years => p.age)
                  FROM class, (VALUES ('a', 14), ('b', 14), ('c', 11), ('d', 11)) p(no, age) RETURNING *),
     parents AS (INSERT INTO guardians (name, email, user_sub)
                 VALUES ('Maria Mother', 'mother@oakconsent.test', :guardian),
                        ('Fernando Father', 'father@oakconsent.test', :other) RETURNING *),
     links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
               SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g
                 ON (p.admission_no = 'a' AND g.email LIKE 'mother%') OR (p.admission_no = 'b' AND g.email LIKE 'father%')),
     staff AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:admin, 'admin@oakconsent.test', 'Ana Admin', 'school-admin')),
     test AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score)
              SELECT class.id, subject.id, term.id, 'Test', 20 FROM class, subject, term RETURNING id)
     INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT test.id, pupils.id, 8 + ascii(pupils.admission_no) % 5, 'test' FROM test, pupils`,
    { guardian: guardian.userId, other: otherGuardian.userId, admin: admin.userId },
  );
  const rows = await oak.db.query<{ no: 'a' | 'b' | 'c' | 'd'; id: string }>(
    `SELECT admission_no AS no, id FROM students`,
  );
  pupil = Object.fromEntries(rows.map((row) => [row.no, row.id])) as typeof pupil;
  const people = await oak.db.query<{ email: string; id: string }>(`SELECT email, id FROM guardians`);
  guardianId = people.find((p) => p.email.startsWith('mother'))!.id;
  otherGuardianId = people.find((p) => p.email.startsWith('father'))!.id;
});

describe('consent records', () => {
  it('lets a guardian give and read their child’s consent in the portal, recorded once however often it is sent', async () => {
    const path = `/api/v1/portal/children/${pupil.a}/consents/analytics`;
    const given = await guardian.call<StudentConsents>('PUT', path, { status: 'given' });
    expect(given.status, JSON.stringify(given.body)).toBe(200);
    expect(given.body.inForce.analytics).toMatchObject({
      status: 'given',
      method: 'portal',
      guardian: { guardianId, name: 'Maria Mother' },
      recordedBy: 'Maria Mother',
    });
    expect(given.body.inForce.messages).toBeNull();
    expect(given.body).toMatchObject({ lawfulBasis: 'legitimate-interest', analyticsScored: true });
    const again = await guardian.call<StudentConsents>('PUT', path, { status: 'given' });
    expect(again.body.history).toHaveLength(1);
    const read = await guardian.call<StudentConsents>('GET', `/api/v1/portal/children/${pupil.a}/consents`);
    expect(read.body.history.map((h) => [h.purpose, h.status])).toEqual([['analytics', 'given']]);
    const [audited] = await oak.db.query<{ n: number; subjects: string[] }>(
      `SELECT count(*)::int AS n, max(subjects::text) AS subjects FROM audit_entries WHERE entity = 'consent'`,
    );
    expect(audited!.n).toBe(1);
    expect(audited!.subjects).toContain(pupil.a);
    expect(audited!.subjects).toContain(guardianId);
  });

  it('shows a guardian nothing of another child, and lets no teacher read or record consents', async () => {
    const other = await guardian.call<ErrorBody>('GET', `/api/v1/portal/children/${pupil.b}/consents`);
    expect(other.status).toBe(404);
    const decide = await guardian.call<ErrorBody>('PUT', `/api/v1/portal/children/${pupil.b}/consents/analytics`, {
      status: 'refused',
    });
    expect(decide.status).toBe(404);
    expect((await teacher.call('GET', `/api/v1/students/${pupil.a}/consents`)).status).toBe(403);
    expect(
      (
        await teacher.call('PUT', `/api/v1/students/${pupil.a}/consents/analytics`, {
          status: 'given',
          method: 'paper',
        })
      ).status,
    ).toBe(403);
    expect((await guardian.call('GET', `/api/v1/students/${pupil.a}/consents`)).status).toBe(403);
    const [none] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM consents WHERE student_id = :id::uuid`,
      { id: pupil.b },
    );
    expect(none!.n).toBe(0);
  });

  it('records a decision the school received, naming the guardian; refuses what is not valid field by field', async () => {
    const recorded = await admin.call<StudentConsents>('PUT', `/api/v1/students/${pupil.b}/consents/messages`, {
      status: 'refused',
      method: 'paper',
      guardianId: otherGuardianId,
      note: 'Form returned at the desk',
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(recorded.body.inForce.messages).toMatchObject({
      status: 'refused',
      method: 'paper',
      guardian: { guardianId: otherGuardianId, name: 'Fernando Father' },
      note: 'Form returned at the desk',
      recordedBy: 'Ana Admin',
    });
    const notTheirs = await admin.call<ErrorBody>('PUT', `/api/v1/students/${pupil.b}/consents/messages`, {
      status: 'given',
      method: 'email',
      guardianId,
    });
    expect(notTheirs.status).toBe(400);
    expect(notTheirs.body.error.fields).toEqual([
      { path: 'body.guardianId', message: 'is not a guardian of this student' },
    ]);
    const purpose = await admin.call<ErrorBody>('PUT', `/api/v1/students/${pupil.b}/consents/marketing`, {
      status: 'given',
      method: 'paper',
    });
    expect(purpose.status).toBe(400);
    expect(purpose.body.error.fields!.map((f) => f.path)).toEqual(['path.purpose']);
    // The portal is the guardian's own way: the school records what it received otherwise.
    const bad = await admin.call<ErrorBody>('PUT', `/api/v1/students/${pupil.b}/consents/messages`, {
      status: 'maybe',
      method: 'portal',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields!.map((f) => f.path).sort()).toEqual(['body.method', 'body.status']);
    const nothingGiven = await admin.call<ErrorBody>('PUT', `/api/v1/students/${pupil.b}/consents/integrations`, {
      status: 'withdrawn',
      method: 'email',
    });
    expect(nothingGiven.status).toBe(409);
    expect(nothingGiven.body.error.fields).toEqual([
      { path: 'body.status', message: 'can be withdrawn only once given' },
    ]);
    const unknown = await admin.call<ErrorBody>(
      'GET',
      '/api/v1/students/00000000-0000-4000-8000-000000000000/consents',
    );
    expect(unknown.status).toBe(404);
    // Nothing was written by the refused requests.
    const [written] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM consents WHERE student_id = :id::uuid`,
      { id: pupil.b },
    );
    expect(written!.n).toBe(1);
  });

  it('lists the students of a class with the consents in force, filtered by purpose and status', async () => {
    const all = await admin.call<ConsentList>('GET', '/api/v1/privacy/consents');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i) => [i.admissionNo, i.analytics, i.messages])).toEqual([
      ['a', 'given', 'none'],
      ['b', 'none', 'refused'],
      ['c', 'none', 'none'],
      ['d', 'none', 'none'],
    ]);
    const refused = await admin.call<ConsentList>('GET', '/api/v1/privacy/consents?purpose=messages&status=refused');
    expect(refused.body.items.map((i) => i.admissionNo)).toEqual(['b']);
  });
});

describe('messages beyond essential school communication follow consent', () => {
  it('sends an announcement to a family that refused them in the app only, and counts it so in the preview', async () => {
    await changeNotificationRules((method, path, body) => admin.call(method, path, body), noQuietHours);
    const [klass] = await oak.db.query<{ id: string }>(`SELECT id FROM classes`);
    const audience = { scope: 'class-guardians', classId: klass!.id };
    const preview = await admin.call<AnnouncementPreview>('POST', '/api/v1/notifications/announcements/preview', {
      audience,
      title: 'Sports day',
      body: 'Sports day is on Friday.',
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.recipients.guardians).toBe(2);
    expect(preview.body.channels).toMatchObject({ 'in-app': 2, email: 1 });
    const sent = await admin.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
      audience,
      title: 'Sports day',
      body: 'Sports day is on Friday.',
      clientKey: 'consent-sports-day',
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const channels = await until(async () => {
      const rows = await oak.db.query<{ recipient: string; channels: string[] }>(
        `SELECT recipient_id AS recipient, array_agg(channel ORDER BY channel) AS channels
           FROM notification_messages WHERE request_id = :id::uuid GROUP BY recipient_id`,
        { id: sent.body.id },
      );
      return rows.length === 2 ? Object.fromEntries(rows.map((row) => [row.recipient, row.channels])) : undefined;
    }, 'the announcement written');
    // Fernando refused messages for his child (recorded above): the app only; Maria has her e-mail too.
    expect(channels[otherGuardianId]).toEqual(['in-app']);
    expect(channels[guardianId]).toEqual(['email', 'in-app']);
    const mailed = platform()
      .messaging.mailbox.list('father@oakconsent.test')
      .filter((m) => m.kind === 'email');
    expect(mailed).toEqual([]);
  });
});

describe('the scoring run follows consent', () => {
  it('scores no student whose analytics consent is refused, and a withdrawal removes what was computed at once', async () => {
    const refused = await admin.call<StudentConsents>('PUT', `/api/v1/students/${pupil.c}/consents/analytics`, {
      status: 'refused',
      method: 'in-person',
    });
    expect(refused.body.analyticsScored).toBe(false);
    await score();
    expect(await scored()).toEqual(['a', 'b', 'd']);
    expect(await predicted(pupil.a)).toBe(1);

    const withdrawn = await guardian.call<StudentConsents>(
      'PUT',
      `/api/v1/portal/children/${pupil.a}/consents/analytics`,
      {
        status: 'withdrawn',
      },
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ analyticsScored: false, inForce: { analytics: { status: 'withdrawn' } } });
    expect(await scored()).toEqual(['b', 'd']);
    expect(await predicted(pupil.a)).toBe(0);
    const [entry] = await oak.db.query<{ before: string }>(
      `SELECT before::text AS before FROM audit_entries WHERE entity = 'consent' ORDER BY at DESC LIMIT 1`,
    );
    const before = JSON.parse(entry!.before) as { analytics: { student_id: string }[] };
    expect(before.analytics.map((row) => row.student_id)).toEqual([pupil.a]);
    // The portal's reads of the child no longer have a risk to show.
    const analytics = await admin.call<{ risk?: unknown }>('GET', `/api/v1/analytics/students/${pupil.a}`);
    expect(analytics.status).toBe(404);

    await score();
    expect(await scored()).toEqual(['b', 'd']);
  });

  it('under consent as the basis, scores only the students whose guardian gave it, and clears the others at the next run', async () => {
    const settings = await admin.call<Record<string, unknown>>('GET', '/api/v1/analytics/settings');
    const changed = await admin.call('PUT', '/api/v1/analytics/settings', { ...settings.body, lawfulBasis: 'consent' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const given = await admin.call<StudentConsents>('PUT', `/api/v1/students/${pupil.d}/consents/analytics`, {
      status: 'given',
      method: 'paper',
    });
    expect(given.body.analyticsScored).toBe(true);
    await score();
    // b gave nothing: what was computed under the old basis is gone.
    expect(await scored()).toEqual(['d']);
    const [cleared] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'student-analytics' AND action = 'remove-unpermitted'`,
    );
    expect(cleared!.n).toBe(1);
  });

  it('scores a child under the parental-consent age only with a consent given, whatever the basis', async () => {
    const settings = await admin.call<Record<string, unknown>>('GET', '/api/v1/analytics/settings');
    await admin.call('PUT', '/api/v1/analytics/settings', {
      ...settings.body,
      lawfulBasis: 'legitimate-interest',
      parentalConsentUnder: 13,
    });
    const list = await admin.call<ConsentList>('GET', '/api/v1/privacy/consents');
    expect(Object.fromEntries(list.body.items.map((i) => [i.admissionNo, i.analyticsScored]))).toEqual({
      a: false,
      b: true,
      c: false,
      d: true,
    });
    await score();
    expect(await scored()).toEqual(['b', 'd']);
  });
});
