import { beforeAll, describe, expect, it } from 'vitest';
import type { RetentionPolicyView } from '../../lambdas/api/privacy/retention.schemas';
import { auditEntry } from '../../lambdas/shared/audit-entry';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { runExecution } from '../support/workflows';

/**
 * A school's retention policy over real HTTP, applied by the nightly run on the local platform:
 * the records of students who left more than the policy's years ago go, kind by kind, and
 * nothing else; a kind the policy keeps is untouched, a run asked for by hand removes nothing,
 * and each application is reported and audited without the records' content.
 */
const platform = useLocalPlatform('retention-policy', { directoryCacheSeconds: 0, stepFunctionsRetryIntervalMs: 10 });
let oak: SchoolFixture;
let admin: SchoolUser;
const ids: Record<string, string> = {};

type Counts = Record<'attendance' | 'scores' | 'invoices' | 'payments' | 'requests' | 'messages' | 'reads', number>;

/** Each pupil's records, kind by kind. */
async function recordsOf(pupil: string): Promise<Counts> {
  const [row] = await oak.db.query<Counts>(
    `SELECT (SELECT count(*)::int FROM attendance WHERE student_id = :id::uuid) AS attendance,
            (SELECT count(*)::int FROM scores WHERE student_id = :id::uuid) AS scores,
            (SELECT count(*)::int FROM invoices WHERE student_id = :id::uuid) AS invoices,
            (SELECT count(*)::int FROM payments WHERE student_id = :id::uuid) AS payments,
            (SELECT count(*)::int FROM notification_requests WHERE student_id = :id::uuid) AS requests,
            (SELECT count(*)::int FROM notification_messages m JOIN student_guardians sg ON sg.guardian_id = m.recipient_id
              WHERE sg.student_id = :id::uuid) AS messages,
            (SELECT count(*)::int FROM access_log WHERE student_id = :id::uuid) AS reads`,
    { id: ids[pupil]! },
  );
  return row!;
}

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakretention');
  admin = await oak.user('school-admin');
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  // Four pupils: Ana left four years ago, Duarte graduated three years and a month ago, Beto left a year ago and his
  // sister Carla is at the school. Each has two years of records; Ana's and Duarte's families have no other child here.
  const pupils = await oak.db.query<{ admission_no: string; id: string }>(
    `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                VALUES ('Y1', current_date - 2200, current_date - 1900), ('Y2', current_date - 1800, current_date - 1500)
                RETURNING *),
     t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on) SELECT id, 'T1', starts_on, ends_on FROM y RETURNING *),
     g AS (INSERT INTO grade_levels (name, ordinal) VALUES ('5', 5) RETURNING id),
     c AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT y.id, g.id, '5' || y.name FROM y, g RETURNING *),
     sub AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Matemática') RETURNING id),
     pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, date_of_birth, status, withdrawn_on)
       VALUES ('R-A', 'Ana', 'Saída', DATE '2012-01-01', 'withdrawn', current_date - interval '4 years' - interval '10 days'),
              ('R-D', 'Duarte', 'Formado', DATE '2012-01-01', 'graduated', current_date - interval '3 years' - interval '30 days'),
              ('R-B', 'Beto', 'Irmão', DATE '2012-01-01', 'withdrawn', current_date - interval '1 year'),
              ('R-C', 'Carla', 'Irmã', DATE '2013-01-01', 'active', NULL)
       RETURNING *),
     parents AS (
       INSERT INTO guardians (name, email) VALUES ('Mãe da Ana', 'ana.mae@oakretention.test'),
         ('Pai do Duarte', 'duarte.pai@oakretention.test'), ('Mãe do Beto e da Carla', 'irmaos@oakretention.test')
       RETURNING *),
     links AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g
         ON (p.admission_no, g.email) IN (('R-A', 'ana.mae@oakretention.test'), ('R-D', 'duarte.pai@oakretention.test'),
                                          ('R-B', 'irmaos@oakretention.test'), ('R-C', 'irmaos@oakretention.test'))
       RETURNING *),
     marks AS (
       INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
       SELECT p.id, c.starts_on + n, c.id, 'present', 'seed'
         FROM pupils p, (SELECT cl.id, y.starts_on FROM c cl JOIN y ON y.id = cl.academic_year_id) c, generate_series(1, 20) n),
     tests AS (
       INSERT INTO assessments (class_id, subject_id, term_id, name, max_score)
       SELECT c.id, sub.id, t.id, 'Teste', 20 FROM c JOIN t ON t.academic_year_id = c.academic_year_id, sub RETURNING *),
     results AS (INSERT INTO scores (assessment_id, student_id, score, entered_by) SELECT a.id, p.id, 12, 'seed' FROM tests a, pupils p),
     fees AS (
       INSERT INTO fee_structures (term_id, category, name, amount_minor, due_on)
       SELECT id, 'tuition', 'Propina ' || name || starts_on, 10000, starts_on + 10 FROM t RETURNING *),
     bills AS (
       INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
       SELECT p.id, f.id, f.amount_minor, f.due_on FROM pupils p, fees f RETURNING *),
     paid AS (
       INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
       SELECT 'seed-' || b.id, b.student_id, b.id, b.amount_minor, 'cash', b.due_on, 'seed' FROM bills b),
     alerts AS (
       INSERT INTO notification_requests (kind, category, urgency, dedupe_key, student_id, due_at, status, requested_by)
       SELECT 'absence', 'absence', 'urgent', 'seed-' || p.admission_no, p.id, now() - interval '5 years', 'dispatched', 'seed'
         FROM pupils p RETURNING *),
     announcement AS (
       INSERT INTO notification_requests (kind, category, urgency, dedupe_key, due_at, status, requested_by)
       VALUES ('announcement', 'announcements', 'bulk', 'seed-announcement', now() - interval '5 years', 'dispatched', 'seed')
       RETURNING *),
     sent AS (
       INSERT INTO notification_messages (request_id, recipient_id, recipient_kind, channel, locale, subject, body, status)
       SELECT r.id, sg.guardian_id, 'guardian', 'in-app', 'pt', 'Falta', 'Faltou.', 'sent'
         FROM alerts r JOIN links sg ON sg.student_id = r.student_id
       UNION ALL
       SELECT a.id, g.id, 'guardian', 'in-app', 'pt', 'Feira', 'A feira abre.', 'sent' FROM announcement a, parents g),
     reads AS (
       INSERT INTO access_log (actor, request_id, student_id, part) SELECT 'seed', 'seed', p.id, 'profile' FROM pupils p),
     -- Their audit keys were made with their first entries, when they enrolled five years ago.
     keys AS (INSERT INTO person_keys (person_id, created_at) SELECT id, now() - interval '5 years' FROM pupils)
     SELECT admission_no, id FROM pupils`,
  );
  for (const pupil of pupils) ids[pupil.admission_no.slice(2)] = pupil.id;
  // An entry about each of them in the audit log, written as every write writes one.
  await oak.db.as({ actor: 'seed', requestId: 'seed' }).query(
    `WITH enrolled AS (SELECT id, given_name FROM students),
     ${auditEntry({ action: 'enrol', entity: 'student', after: 'enrolled', rows: 'many', people: ['id'] })}
     SELECT 1`,
  );
});

/** The seed's audit entry about each pupil, as its readers see it: their row, or {"erased": true}. */
async function auditedRows(): Promise<Record<string, unknown>[]> {
  const [entry] = await oak.db.query<{ after: string }>(
    `SELECT after::text AS after FROM audit_entries WHERE action = 'enrol' AND request_id = 'seed'`,
  );
  return JSON.parse(entry!.after) as Record<string, unknown>[];
}

describe('the retention policy', () => {
  it('is set by the school admin kind by kind, with field-level errors, and suggested for the school’s country', async () => {
    const empty = await admin.call<RetentionPolicyView>('GET', '/api/v1/privacy/retention');
    expect(empty.status).toBe(200);
    // Nothing is removed until the school sets a policy; a school of Portugal is offered the EU suggestion.
    expect(Object.values(empty.body.policy).every((years) => years === null)).toBe(true);
    expect(empty.body.suggested).toMatchObject({ fees: 10, grades: null });

    const wrong = await admin.call<{ error: { fields: { path: string }[] } }>('PUT', '/api/v1/privacy/retention', {
      attendance: -1,
      transcripts: 5,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f) => f.path).sort()).toEqual(['body', 'body.attendance'].sort());
    expect((await admin.call('PUT', '/api/v1/privacy/retention', {})).status).toBe(400);

    const set = await admin.call<RetentionPolicyView>('PUT', '/api/v1/privacy/retention', {
      attendance: 2,
      fees: 3,
      notifications: 2,
      grades: null,
      'audit-entries': 3,
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.policy).toEqual({
      attendance: 2,
      grades: null,
      fees: 3,
      notifications: 2,
      'access-log': null,
      'audit-entries': 3,
    });
    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'retention-policy' AND action = 'set'`,
    );
    expect(audited!.n).toBe(1);
  });

  it('is not applied by a run asked for by hand', async () => {
    const before = await recordsOf('A');
    const run = await runExecution('campus-local-scoring-run', { trigger: 'operator', schoolId: oak.school.schoolId });
    expect(run.status).toBe('SUCCEEDED');
    expect(await recordsOf('A')).toEqual(before);
  });

  it('removes at night exactly what it says, of those who left long enough ago, and reports it', async () => {
    expect((await auditedRows()).map((row) => row.given_name).sort()).toEqual(['Ana', 'Beto', 'Carla', 'Duarte']);
    const leavers = await oak.db.query<{ pseudonym: string }>(
      `SELECT pseudonym FROM person_keys WHERE person_id IN (:a::uuid, :d::uuid) ORDER BY pseudonym`,
      { a: ids.A!, d: ids.D! },
    );
    const before = {
      A: await recordsOf('A'),
      D: await recordsOf('D'),
      B: await recordsOf('B'),
      C: await recordsOf('C'),
    };
    expect(before.A).toMatchObject({
      attendance: 40,
      scores: 2,
      invoices: 2,
      payments: 2,
      requests: 1,
      messages: 2,
      reads: 1,
    });
    const run = await runExecution('campus-local-scoring-run', { trigger: 'schedule', schoolId: oak.school.schoolId });
    expect(run.status).toBe('SUCCEEDED');
    const runId = run.executionArn.split(':').at(-1)!;

    // Ana left four years ago: attendance (2), fees (3) and notifications (2) gone; grades and reads kept.
    expect(await recordsOf('A')).toEqual({
      ...before.A,
      attendance: 0,
      invoices: 0,
      payments: 0,
      requests: 0,
      messages: 0,
    });
    // Duarte graduated three years and a month ago: the same.
    expect(await recordsOf('D')).toEqual({
      ...before.D,
      attendance: 0,
      invoices: 0,
      payments: 0,
      requests: 0,
      messages: 0,
    });
    // Beto left a year ago, and his sister is at the school: nothing of theirs goes.
    expect(await recordsOf('B')).toEqual(before.B);
    expect(await recordsOf('C')).toEqual(before.C);

    // Ana's and Duarte's audit keys went: the log keeps their entries, which can no longer be read.
    expect((await auditedRows()).map((row) => row.given_name ?? row.erased)).toEqual(
      expect.arrayContaining([true, true, 'Beto', 'Carla']),
    );

    const report = await admin.call<RetentionPolicyView>('GET', '/api/v1/privacy/retention');
    expect(report.body.runs[0]).toMatchObject({
      runId,
      removed: { attendance: 80, fees: 8, notifications: 2 + 2 + 2, 'audit-entries': 2 },
    });
    // Audited by whose records went, never their content.
    const entries = await oak.db.query<{ entity_id: string; after: string; subjects: string[] }>(
      `SELECT entity_id, after::text AS after, subjects::text[] AS subjects FROM audit_entries
        WHERE entity = 'retention' AND request_id = :runId ORDER BY entity_id`,
      { runId },
    );
    expect(entries.map((entry) => entry.entity_id)).toEqual(['attendance', 'audit-entries', 'fees', 'notifications']);
    // By the pseudonyms they had: their keys went last, so nothing leads back to them any more.
    expect(entries[0]!.subjects.sort()).toEqual(leavers.map((leaver) => leaver.pseudonym));
    expect(entries.every((entry) => !entry.after.includes('present') && !entry.after.includes('Faltou'))).toBe(true);

    // Applied again, it removes nothing more.
    const again = await runExecution('campus-local-scoring-run', {
      trigger: 'schedule',
      schoolId: oak.school.schoolId,
    });
    expect(again.status).toBe('SUCCEEDED');
    const [runs] = await oak.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM retention_runs`);
    expect(runs!.n).toBe(1);
    expect(await recordsOf('B')).toEqual(before.B);
  });
});
