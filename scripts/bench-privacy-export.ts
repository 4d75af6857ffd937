import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { ExportDownload, PrivacyRequestView } from '../lambdas/api/privacy/requests.schemas';
import { auditEntry } from '../lambdas/shared/audit-entry';
import { startPlatform } from '../local/platform';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';

/**
 * `npm run bench:privacy-export`: a family's copy of the data of a student with five years of
 * history at the school, through real HTTP on the local platform: asked in the portal, written
 * by the privacy worker, downloaded once. The student's class of 25 has every school day marked
 * and 72 assessments a year, each register and each assessment's scores one audit entry of the
 * whole class (as the API writes them), so the export cuts the class's entries to the student's
 * rows. Prints the time from asking to ready, the archive's size and its rows by part.
 */
const years = Number(process.env.BENCH_YEARS ?? 5);
const classSize = 25;
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-privacy-'));
const platform = await startPlatform({ stateDir: dir, port: 0, fastAndUnsafe: true });

try {
  const school = await schoolFixture(platform, 'benchprivacy');
  const admin = await school.user('school-admin');
  const guardian = await school.user('guardian', { email: 'familia@benchprivacy.test' });
  if ((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status !== 200) throw new Error('settings');
  const db = school.db;
  const seeded = performance.now();
  // Five school years up to this one, each with its class of 25 (the same children), three terms, eight subjects.
  await db.execute(
    `WITH y AS (
       INSERT INTO academic_years (name, starts_on, ends_on)
       SELECT (extract(year FROM s)::int) || '/' || (extract(year FROM s)::int + 1), s::date, (s + interval '10 months')::date
         FROM generate_series(date_trunc('year', current_date) - make_interval(years => CAST(:years AS int)) + interval '8 months',
                              date_trunc('year', current_date) - interval '4 months', interval '1 year') s
       RETURNING *),
     t AS (
       INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
       SELECT y.id, 'Term ' || n, y.starts_on + (n - 1) * 100, least(y.starts_on + n * 100 - 1, y.ends_on)
         FROM y, generate_series(1, 3) n),
     g AS (INSERT INTO grade_levels (name, ordinal) SELECT 'Grade ' || n, n FROM generate_series(5, 5 + CAST(:years AS int)) n RETURNING *)
     INSERT INTO classes (academic_year_id, grade_level_id, name)
     SELECT y.id, g.id, g.ordinal || 'A' FROM (SELECT *, row_number() OVER (ORDER BY starts_on) AS k FROM y) y
       JOIN g ON g.ordinal = 4 + y.k`,
    { years },
  );
  await db.execute(
    `WITH subjects AS (INSERT INTO subjects (code, name)
       SELECT code, name FROM (VALUES ('POR', 'Português'), ('MAT', 'Matemática'), ('ING', 'Inglês'), ('CIE', 'Ciências'),
         ('HIS', 'História'), ('GEO', 'Geografia'), ('EF', 'Educação Física'), ('ART', 'Artes')) s(code, name) RETURNING id),
     latest AS (SELECT c.id FROM classes c JOIN academic_years y ON y.id = c.academic_year_id ORDER BY y.starts_on DESC LIMIT 1),
     pupils AS (
       INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id, enrolled_on)
       SELECT 'H' || lpad(n::text, 3, '0'), CASE WHEN n = 1 THEN 'Beatriz' ELSE 'Colega ' || n END, 'Histórico',
              DATE '2013-05-01' + n, (SELECT id FROM latest), (SELECT min(starts_on) FROM academic_years)
         FROM generate_series(1, CAST(:size AS int)) n RETURNING *),
     enrolled AS (
       INSERT INTO enrolments (student_id, academic_year_id, class_id)
       SELECT p.id, c.academic_year_id, c.id FROM pupils p CROSS JOIN classes c),
     parents AS (
       INSERT INTO guardians (name, email, phone, user_sub)
       VALUES ('Família Histórico', 'familia@benchprivacy.test', '+351912345678', :guardian) RETURNING id)
     INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT p.id, parents.id, 'mother' FROM pupils p, parents WHERE p.admission_no = 'H001'`,
    { size: classSize, guardian: guardian.userId },
  );
  await db.execute(
    `INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
     SELECT c.id, s.id, t.id, 'Teste ' || n, 20, t.starts_on + n * 25
       FROM classes c JOIN terms t ON t.academic_year_id = c.academic_year_id, subjects s, generate_series(1, 3) n
      WHERE t.starts_on + n * 25 < current_date`,
  );
  await db.execute(
    `INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT a.id, p.id, round((6 + random() * 14)::numeric, 1), 'bench' FROM assessments a, students p`,
  );
  await db.execute(
    `INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
     SELECT p.id, d::date, c.id, CASE WHEN random() < 0.05 THEN 'absent' WHEN random() < 0.03 THEN 'late' ELSE 'present' END,
            'bench'
       FROM students p, classes c JOIN academic_years y ON y.id = c.academic_year_id,
            generate_series(y.starts_on, least(y.ends_on, current_date - 1), interval '1 day') d
      WHERE extract(isodow FROM d) < 6`,
  );
  await db.execute(
    `WITH fees AS (
       INSERT INTO fee_structures (term_id, category, name, amount_minor, due_on)
       SELECT id, 'tuition', 'Propina ' || name || ' ' || starts_on, 15000, starts_on + 20 FROM terms RETURNING *),
     billed AS (
       INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
       SELECT p.id, f.id, f.amount_minor, f.due_on FROM students p, fees f RETURNING *)
     INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
     SELECT 'bench-' || b.id, b.student_id, b.id, b.amount_minor, 'bank-transfer', b.due_on - 2, 'bench'
       FROM billed b WHERE b.due_on < current_date`,
  );
  // The history the API would have left: a register's audit entry per class day, a score sheet's per assessment,
  // each of the whole class and written by the one audit helper, as the API's routes write them.
  const audited = db.as({ actor: 'bench', requestId: 'bench-history' });
  const registers = await db.query<{ classId: string; day: string }>(
    `SELECT DISTINCT class_id AS "classId", on_date::text AS day FROM attendance ORDER BY 2`,
  );
  for (const { classId, day } of registers) {
    await audited.query(
      `WITH marks AS (SELECT * FROM attendance WHERE class_id = :classId::uuid AND on_date = :day::date),
       ${auditEntry({ action: 'mark', entity: 'attendance', after: 'marks', rows: 'many', key: ['student_id', 'on_date'], people: ['student_id'], entityId: "(:classId || '/' || :day)" })}
       SELECT 1`,
      { classId, day },
    );
  }
  const sheets = await db.query<{ id: string }>(`SELECT id FROM assessments ORDER BY held_on, id`);
  for (const { id } of sheets) {
    await audited.query(
      `WITH entered AS (SELECT * FROM scores WHERE assessment_id = :id::uuid),
       ${auditEntry({ action: 'enter', entity: 'score', after: 'entered', rows: 'many', key: ['assessment_id', 'student_id'], people: ['student_id'], entityId: ':id' })}
       SELECT 1`,
      { id },
    );
  }
  await db.execute(
    `WITH family AS (SELECT g.id AS guardian_id, sg.student_id FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id),
     requests AS (
       INSERT INTO notification_requests (kind, category, urgency, dedupe_key, student_id, on_date, due_at, status, requested_by)
       SELECT 'absence', 'absence', 'urgent', 'bench-absence-' || a.on_date, a.student_id, a.on_date,
              a.on_date + time '10:00', 'dispatched', 'bench'
         FROM attendance a JOIN family f ON f.student_id = a.student_id WHERE a.status = 'absent' RETURNING *)
     INSERT INTO notification_messages (request_id, recipient_id, recipient_kind, channel, address, locale, subject, body,
                                        status, queued_at, sent_at)
     SELECT r.id, f.guardian_id, 'guardian', ch, CASE WHEN ch = 'email' THEN 'familia@benchprivacy.test' END, 'pt',
            'Falta de Beatriz', 'A Beatriz faltou hoje (' || r.on_date || ').', 'sent', r.due_at, r.due_at
       FROM requests r JOIN family f ON f.student_id = r.student_id, (VALUES ('email'), ('in-app')) c(ch)`,
  );
  await db.execute(
    `INSERT INTO access_log (at, actor, request_id, student_id, part)
     SELECT a.on_date + time '12:00', :admin, 'bench-read-' || a.on_date, a.student_id,
            (ARRAY['profile', 'attendance', 'fees', 'report-card'])[1 + extract(dow FROM a.on_date)::int % 4]
       FROM attendance a JOIN students s ON s.id = a.student_id
      WHERE s.admission_no = 'H001' AND extract(dow FROM a.on_date) IN (1, 4)`,
    { admin: admin.userId },
  );
  await db.execute('ANALYZE');
  const [target] = await db.query<{ id: string; audit: number; classAudit: number }>(
    `SELECT s.id, (SELECT count(*)::int FROM audit_log WHERE subjects && audit_pseudonyms(ARRAY[s.id])) AS audit,
            (SELECT count(*)::int FROM audit_log) AS "classAudit"
       FROM students s WHERE s.admission_no = 'H001'`,
  );
  console.log(
    `seeded ${years} years of a class of ${classSize} in ${((performance.now() - seeded) / 1000).toFixed(1)} s; ` +
      `the student is in ${target!.audit} audit entries`,
  );

  const asked = performance.now();
  const request = await guardian.call<PrivacyRequestView>(
    'POST',
    `/api/v1/portal/children/${target!.id}/privacy-requests`,
    {
      kind: 'export',
      clientKey: 'bench-export-1',
    },
  );
  if (request.status !== 202) throw new Error(`asked: ${request.status} ${JSON.stringify(request.body)}`);
  let done: PrivacyRequestView | undefined;
  while (!done) {
    const list = await guardian.call<{ items: PrivacyRequestView[] }>(
      'GET',
      `/api/v1/portal/children/${target!.id}/privacy-requests`,
    );
    const found = list.body.items.find((item) => item.id === request.body.id);
    if (found && !['queued', 'running'].includes(found.status)) done = found;
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const readyMs = performance.now() - asked;
  if (done.status !== 'ready') throw new Error(`the export ${done.status}: ${done.failure}`);
  const link = await guardian.call<ExportDownload>(
    'POST',
    `/api/v1/portal/children/${target!.id}/privacy-requests/${done.id}/download`,
  );
  const zip = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
  const files = unzipSync(zip);
  const unpacked = Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0);
  console.log(`asked → ready (queue, read, PDF, ZIP, store): ${(readyMs / 1000).toFixed(2)} s`);
  console.log(
    `archive: ${(zip.length / 1e6).toFixed(2)} MB zipped, ${(unpacked / 1e6).toFixed(2)} MB unpacked, ${Object.keys(files).length} files`,
  );
  console.log(
    `rows: ${(done.manifest?.files ?? [])
      .filter((file) => file.name.endsWith('.json') && file.rows !== null)
      .map((file) => `${file.name.slice(5, -5)} ${file.rows}`)
      .join(', ')}`,
  );
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
