import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SchoolDashboard } from '../../lambdas/api/dashboard/dashboard.schemas';
import type { PrivacyReport } from '../../lambdas/api/platform/privacy-report.schemas';
import type {
  ExportDownload,
  PrivacyRequestPage,
  PrivacyRequestView,
} from '../../lambdas/api/privacy/requests.schemas';
import { getObjectText } from '../../lambdas/shared/object-storage';
import { sendToQueue } from '../../lambdas/shared/queue-messages';
import { privacyRequestsQueue } from '../../lambdas/shared/queues';
import { useLocalPlatform } from '../support/local-platform';
import { runExecution } from '../support/workflows';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

/**
 * A family's right of access, through real HTTP on the local platform: a guardian asks for their
 * child's data in the portal, the privacy worker writes the archive from the real database, the
 * guardian downloads it once, and every file is checked against the database row by row.
 */
const platform = useLocalPlatform('privacy-exports', { directoryCacheSeconds: 0 });
let oak: SchoolFixture;
let admin: SchoolUser;
let guardian: SchoolUser;
let otherGuardian: SchoolUser;
let childId: string;
let classmateId: string;
let classId: string;

type Row = Record<string, unknown>;

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakexport');
  admin = await oak.user('school-admin');
  guardian = await oak.user('guardian', { email: 'mae@oakexport.test' });
  otherGuardian = await oak.user('guardian', { email: 'pai@oakexport.test' });
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  // Two years of one child's history, and a classmate whose data must not reach the child's export.
  const [ids] = await oak.db.query<{ child: string; classmate: string; klass: string }>(
    `WITH years AS (INSERT INTO academic_years (name, starts_on, ends_on)
                    VALUES ('Last year', current_date - 400, current_date - 200), ('This year', current_date - 60, current_date + 200)
                    RETURNING *),
     terms AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
               SELECT id, 'Term 1', starts_on, starts_on + 90 FROM years RETURNING *),
     grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('6', 6) RETURNING id),
     classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                 SELECT y.id, grade.id, CASE WHEN y.name = 'Last year' THEN '5A' ELSE '6A' END FROM years y, grade RETURNING *),
     current_class AS (SELECT c.id FROM classes c JOIN years y ON y.id = c.academic_year_id WHERE y.name = 'This year'),
     pupils AS (INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id)
                SELECT p, g, 'Export', DATE '2014-03-02', (SELECT id FROM current_class)
                  FROM (VALUES ('E-1', 'Inês'), ('E-2', 'Rui')) v(p, g) RETURNING *),
     enrolled AS (INSERT INTO enrolments (student_id, academic_year_id, class_id)
                  SELECT p.id, c.academic_year_id, c.id FROM pupils p, classes c),
     parents AS (INSERT INTO guardians (name, email, phone, user_sub)
                 VALUES ('Marta Mãe', 'mae@oakexport.test', '+351912000001', :guardian),
                        ('Paulo Pai', 'pai@oakexport.test', '+351912000002', :other)
                 RETURNING *),
     links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
               SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g ON (p.admission_no = 'E-1') = (g.email LIKE 'mae%')),
     people AS (INSERT INTO staff (user_sub, email, name, role)
                VALUES (:admin, 'ana@oakexport.test', 'Ana Admin', 'school-admin')),
     subject AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Matemática') RETURNING id),
     tests AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
               SELECT c.id, subject.id, t.id, 'Teste ' || n, 20, t.starts_on + n * 10
                 FROM classes c JOIN terms t ON t.academic_year_id = c.academic_year_id, subject, generate_series(1, 3) n
               RETURNING *),
     marks AS (INSERT INTO scores (assessment_id, student_id, score, entered_by)
               SELECT a.id, p.id, 8 + (abs(hashtext(a.name || p.admission_no)) % 12), :admin FROM tests a, pupils p),
     days AS (INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
              SELECT p.id, d::date, c.id, (ARRAY['present', 'present', 'late', 'absent', 'excused'])[1 + (extract(doy FROM d)::int % 5)],
                     :admin
                FROM pupils p, classes c JOIN years y ON y.id = c.academic_year_id,
                     generate_series(y.starts_on, least(y.ends_on, current_date - 1), interval '1 day') d
               WHERE extract(isodow FROM d) < 6),
     fee AS (INSERT INTO fee_structures (term_id, category, name, amount_minor, due_on)
             SELECT id, 'tuition', 'Propina ' || name || ' ' || starts_on, 12500, starts_on + 30 FROM terms RETURNING *),
     billed AS (INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
                SELECT p.id, f.id, f.amount_minor, f.due_on FROM pupils p, fee f RETURNING *),
     paid AS (INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
              SELECT 'seed-' || b.id, b.student_id, b.id, 5000, 'card', b.due_on - 3, :admin FROM billed b)
     SELECT (SELECT id FROM pupils WHERE admission_no = 'E-1') AS child,
            (SELECT id FROM pupils WHERE admission_no = 'E-2') AS classmate, (SELECT id FROM current_class) AS klass`,
    { guardian: guardian.userId, other: otherGuardian.userId, admin: admin.userId },
  );
  childId = ids!.child;
  classmateId = ids!.classmate;
  classId = ids!.klass;
  // Records the platform writes itself: a register saved for the whole class (one audit entry with
  // both children's marks), a consent, and reads in the access log.
  const today = new Date().toISOString().slice(0, 10);
  const saved = await admin.call('PUT', `/api/v1/classes/${classId}/attendance/${today}`, {
    marks: [
      { studentId: childId, status: 'present' },
      { studentId: classmateId, status: 'late', note: 'Rui chegou às 9h10' },
    ],
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect(
    (await guardian.call('PUT', `/api/v1/portal/children/${childId}/consents/analytics`, { status: 'given' })).status,
  ).toBe(200);
  expect((await admin.call('GET', `/api/v1/students/${childId}`)).status).toBe(200);
});

const untilFinished = async (user: SchoolUser, path: string, id: string): Promise<PrivacyRequestView> => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = await user.call<PrivacyRequestPage>('GET', path);
    expect(page.status).toBe(200);
    const request = page.body.items.find((item) => item.id === id)!;
    if (!['queued', 'running'].includes(request.status) || Date.now() > deadline) return request;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** A table's rows as the export writes them: each row through PostgreSQL's own JSON, so types compare exactly. */
const dbRows = async (sql: string, params: Record<string, unknown> = {}): Promise<Row[]> =>
  (await oak.db.query<{ row: string }>(`SELECT row_to_json(x)::text AS row FROM (${sql}) x`, params as never)).map(
    (r) => JSON.parse(r.row) as Row,
  );

describe("a family's copy of their child's data", () => {
  let request: PrivacyRequestView;
  let files: Record<string, Uint8Array>;
  const json = (name: string) => JSON.parse(strFromU8(files[`data/${name}.json`]!)) as Row[];

  it('is asked for in the portal once however often it is sent, due in 30 days, and written in the background', async () => {
    const body = { kind: 'export', clientKey: 'export-inês-0001' };
    const asked = await guardian.call<PrivacyRequestView>(
      'POST',
      `/api/v1/portal/children/${childId}/privacy-requests`,
      body,
    );
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const again = await guardian.call<PrivacyRequestView>(
      'POST',
      `/api/v1/portal/children/${childId}/privacy-requests`,
      body,
    );
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(asked.body.id);
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect([due, new Date(Date.now() + 29 * 86_400_000).toISOString().slice(0, 10)]).toContain(asked.body.dueOn);
    expect(asked.body).toMatchObject({ kind: 'export', requestedAs: 'guardian', requestedBy: 'Marta Mãe', mine: true });

    request = await untilFinished(guardian, `/api/v1/portal/children/${childId}/privacy-requests`, asked.body.id);
    expect(request.status, request.failure ?? '').toBe('ready');
    expect(request.downloadableUntil).not.toBeNull();
    expect(request.sizeBytes).toBeGreaterThan(1000);
    // The admin's queue shows it, not as theirs to download, and nothing is owed.
    const queue = await admin.call<PrivacyRequestPage>('GET', '/api/v1/privacy/requests');
    expect(queue.body.items.map((item) => [item.id, item.mine, item.overdue])).toEqual([[request.id, false, false]]);
    expect((await admin.call<PrivacyRequestPage>('GET', '/api/v1/privacy/requests?status=open')).body.items).toEqual(
      [],
    );
  });

  it('is downloaded once, by the guardian who asked, through a short-lived link; the download is in the access log', async () => {
    const base = `/api/v1/portal/children/${childId}/privacy-requests/${request.id}/download`;
    expect((await otherGuardian.call('POST', base)).status).toBe(404);
    expect((await admin.call('POST', `/api/v1/privacy/requests/${request.id}/download`)).status).toBe(404);
    const link = await guardian.call<ExportDownload>('POST', base);
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(link.body.fileName).toBe('student-data-E-1.zip');
    const response = await fetch(link.body.url);
    expect(response.status).toBe(200);
    const zip = new Uint8Array(await response.arrayBuffer());
    expect(zip.length).toBe(request.sizeBytes);
    files = unzipSync(zip);
    const second = await guardian.call<{ message: string }>('POST', base);
    expect(second.status).toBe(410);
    const [logged] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM access_log WHERE student_id = :id::uuid AND part = 'export' AND actor = :actor`,
      { id: childId, actor: guardian.userId },
    );
    expect(logged!.n).toBe(1);

    // Once its link has expired the file goes: the message the download sent, delayed five minutes, sent here at once.
    await sendToQueue(privacyRequestsQueue, {
      schoolId: oak.school.schoolId,
      requestId: request.id,
      task: 'remove-file',
    });
    await expect.poll(async () => (await fetch(link.body.url)).status, { timeout: 30_000 }).toBe(404);
    await expect
      .poll(async () => {
        const [row] = await oak.db.query<{ key: string | null }>(
          `SELECT object_key AS key FROM privacy_requests WHERE id = :id::uuid`,
          { id: request.id },
        );
        return row!.key;
      })
      .toBeNull();
  });

  it('holds a manifest whose row counts and checksums match its files', () => {
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as {
      files: { name: string; rows: number | null; bytes: number; sha256: string }[];
    };
    expect(Object.keys(files).sort()).toEqual([...manifest.files.map((f) => f.name), 'manifest.json'].sort());
    for (const file of manifest.files) {
      const bytes = files[file.name]!;
      expect(file.bytes, file.name).toBe(bytes.length);
      expect(file.sha256, file.name).toBe(createHash('sha256').update(bytes).digest('hex'));
      if (file.name.endsWith('.json') && file.rows !== null)
        expect(json(file.name.slice(5, -5)).length).toBe(file.rows);
      if (file.name.endsWith('.csv') && file.rows) {
        // Header and one line per row (no field here spans lines).
        expect(strFromU8(bytes).trimEnd().split(/\r?\n/).length - 1, file.name).toBe(file.rows);
      }
    }
    expect(request.manifest?.files).toEqual(manifest.files);
    expect(strFromU8(files['summary.pdf']!.slice(0, 5))).toBe('%PDF-');
    expect(strFromU8(files['README.txt']!)).toContain('data/attendance.json');
  });

  it('matches the database row by row, part by part', async () => {
    const params = { id: childId };
    const student = json('student');
    expect(student).toHaveLength(1);
    expect(student[0]).toMatchObject({
      id: childId,
      admission_no: 'E-1',
      given_name: 'Inês',
      date_of_birth: '2014-03-02',
    });
    expect(json('guardians').map((g) => [g.name, g.email, g.phone, g.signs_in])).toEqual([
      ['Marta Mãe', 'mae@oakexport.test', '+351912000001', true],
    ]);
    expect(json('enrolments').map((e) => e.class)).toEqual(['5A', '6A']);
    expect(json('attendance').map((a) => [a.date, a.status, a.note])).toEqual(
      (
        await dbRows(
          `SELECT on_date AS date, status, note FROM attendance WHERE student_id = :id::uuid ORDER BY on_date`,
          params,
        )
      ).map((a) => [a.date, a.status, a.note]),
    );
    expect(json('attendance').length).toBeGreaterThan(150);
    expect(json('grades').map((g) => [g.assessment_id, g.score])).toEqual(
      (
        await dbRows(
          `SELECT sc.assessment_id, sc.score FROM scores sc JOIN assessments a ON a.id = sc.assessment_id
             JOIN terms t ON t.id = a.term_id JOIN academic_years y ON y.id = t.academic_year_id
            WHERE sc.student_id = :id::uuid ORDER BY y.starts_on, t.starts_on, a.name, a.id`,
          params,
        )
      ).map((g) => [g.assessment_id, g.score]),
    );
    expect(json('invoices').map((i) => [i.id, i.amount_minor, i.due_on])).toEqual(
      (
        await dbRows(
          `SELECT id, amount_minor, due_on FROM invoices WHERE student_id = :id::uuid ORDER BY issued_on, id`,
          params,
        )
      ).map((i) => [i.id, i.amount_minor, i.due_on]),
    );
    expect(json('payments').map((p) => [p.receipt_no, p.amount_minor, p.recorded_by])).toEqual(
      (
        await dbRows(
          `SELECT receipt_no, amount_minor FROM payments WHERE student_id = :id::uuid ORDER BY paid_on, receipt_no`,
          params,
        )
      ).map((p) => [p.receipt_no, p.amount_minor, 'Ana Admin']),
    );
    expect(json('consents').map((c) => [c.purpose, c.status, c.guardian, c.method])).toEqual([
      ['analytics', 'given', 'Marta Mãe', 'portal'],
    ]);
    expect(json('access-log').map((l) => [l.part, l.who])).toEqual(
      (
        await dbRows(
          `SELECT part FROM access_log WHERE student_id = :id::uuid AND part <> 'export' ORDER BY id`,
          params,
        )
      ).map((l) => [l.part, 'Ana Admin']),
    );
    // The audit log's entries about the child or the guardian, each with only their rows.
    const audit = json('audit-log');
    const expected = await dbRows(
      `SELECT a.id FROM audit_entries a
        WHERE a.subjects && ARRAY[:id::uuid, (SELECT guardian_id FROM student_guardians WHERE student_id = :id::uuid)]
          -- The export's own progress after its records were read.
          AND NOT (a.entity = 'privacy-request' AND a.action IN ('ready', 'download', 'remove-file'))
        ORDER BY a.id`,
      params,
    );
    expect(audit.map((entry) => entry.id)).toEqual(expected.map((entry) => entry.id));
    const register = audit.find((entry) => entry.entity === 'attendance')!;
    expect((register.after as Row[]).map((mark) => mark.student_id)).toEqual([childId]);
  });

  it("holds nothing about a classmate, nor anyone's sign-in", () => {
    const everything = Object.values(files)
      .map((bytes) => strFromU8(bytes, true))
      .join('\n');
    for (const absent of [classmateId, 'Rui', 'chegou', 'pai@oakexport.test', guardian.userId, admin.userId]) {
      expect(everything.includes(absent), absent).toBe(false);
    }
  });
});

describe('the privacy request queue', () => {
  it('refuses a request it cannot carry out, with the field that is wrong', async () => {
    const wrong = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/privacy/requests', {
      kind: 'copy',
      studentId: childId,
      clientKey: 'x',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f) => f.path)).toEqual(expect.arrayContaining(['body.kind']));
    const unknown = await admin.call('POST', '/api/v1/privacy/requests', {
      kind: 'export',
      studentId: '00000000-0000-4000-8000-000000000000',
      clientKey: 'unknown-student-1',
    });
    expect(unknown.status).toBe(404);
    expect(
      (
        await otherGuardian.call('POST', `/api/v1/portal/children/${childId}/privacy-requests`, {
          kind: 'export',
          clientKey: 'not-my-child',
        })
      ).status,
    ).toBe(404);
  });

  it('flags a request past its due date on the dashboard and in the queue', async () => {
    await oak.db.execute(
      `INSERT INTO privacy_requests (id, kind, student_id, status, requested_by, requested_as, client_key, requested_at, due_on)
       VALUES (gen_random_uuid(), 'export', :id::uuid, 'queued', :admin, 'school-admin', 'stuck-request-1', now() - interval '31 days', current_date - 1)`,
      { id: classmateId, admin: admin.userId },
    );
    const dashboard = await admin.call<SchoolDashboard>('GET', '/api/v1/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.privacyRequests).toMatchObject({ open: 1, overdue: 1 });
    const overdue = await admin.call<PrivacyRequestPage>('GET', '/api/v1/privacy/requests?status=overdue');
    expect(overdue.body.items.map((item) => [item.student?.name, item.overdue, item.requestedBy])).toEqual([
      ['Rui Export', true, 'Ana Admin'],
    ]);
  });

  it("is reported to the stage's operators school by school, as counts with no person in them", async () => {
    const operator = await oak.user('platform-operator');
    const report = await operator.call<PrivacyReport>('GET', '/api/v1/platform/privacy-requests?days=7');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const mine = report.body.schools.find((school) => school.schoolId === oak.school.schoolId);
    // The family's export answered (the stuck one was asked 31 days ago: owed and overdue, not asked this week).
    expect(mine).toMatchObject({ requested: 1, answered: 1, failed: 0, open: 1, overdue: 1 });
    expect(mine!.medianHoursToAnswer).toBeLessThan(1);
    expect(report.body.totals.overdue).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(report.body);
    for (const personal of [childId, classmateId, 'Inês', 'Rui', 'Marta', 'mae@oakexport.test', guardian.userId]) {
      expect(text.includes(personal), personal).toBe(false);
    }
    expect((await admin.call('GET', '/api/v1/platform/privacy-requests')).status).toBe(403);
  });

  it('loses at night the file of an export nobody downloaded in its seven days', async () => {
    const asked = await admin.call<PrivacyRequestView>('POST', '/api/v1/privacy/requests', {
      kind: 'export',
      studentId: classmateId,
      clientKey: 'export-never-fetched',
    });
    expect(asked.status).toBe(202);
    const ready = await untilFinished(admin, '/api/v1/privacy/requests', asked.body.id);
    expect(ready.status).toBe('ready');
    const [row] = await oak.db.query<{ key: string }>(
      `UPDATE privacy_requests SET finished_at = now() - interval '8 days' WHERE id = :id::uuid RETURNING object_key AS key`,
      { id: asked.body.id },
    );
    expect((await getObjectText('exports', row!.key)).length).toBeGreaterThan(0);
    const run = await runExecution('campus-local-scoring-run', { trigger: 'operator', schoolId: oak.school.schoolId });
    expect(run.status).toBe('SUCCEEDED');
    await expect(getObjectText('exports', row!.key)).rejects.toThrow();
    const after = await admin.call<PrivacyRequestView>('GET', `/api/v1/privacy/requests/${asked.body.id}`);
    expect(after.body).toMatchObject({ status: 'ready', downloadableUntil: null });
    expect((await admin.call('POST', `/api/v1/privacy/requests/${asked.body.id}/download`)).status).toBe(410);
  });
});
