import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportView } from '../../lambdas/api/exports/export.schemas';
import type { ImportResult } from '../../lambdas/api/imports/import.schemas';
import { runExport } from '../../lambdas/exports/school-export';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-exports');
let school: SchoolFixture;
let admin: SchoolUser;

beforeAll(async () => {
  school = await schoolFixture(platform(), 'exporting');
  admin = await school.user('school-admin');
  // 120 students in two classes, 60 with a guardian; ten school days of attendance; two assessments scored.
  await school.db.execute(
    `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          g AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 5', 5) RETURNING id),
          t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                SELECT y.id, 'Term 1', '2026-09-01', '2026-12-18' FROM y RETURNING id),
          sub AS (INSERT INTO subjects (code, name) VALUES ('SCI', 'Science') RETURNING id),
          c AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                SELECT y.id, g.id, name FROM y, g, (VALUES ('5A'), ('5B')) v(name) RETURNING id, name),
          s AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                SELECT 'E-' || lpad(n::text, 3, '0'), CASE WHEN n = 7 THEN '=HYPERLINK("x")' ELSE 'Pupil ' || n END,
                       'Family, ' || n, (SELECT id FROM c WHERE name = CASE WHEN n % 2 = 0 THEN '5A' ELSE '5B' END)
                  FROM generate_series(1, 120) n RETURNING id, admission_no, class_id),
          gu AS (INSERT INTO guardians (name, email)
                 SELECT 'Parent ' || n, 'parent' || n || '@families.test' FROM generate_series(1, 60) n RETURNING id, email),
          links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                    SELECT s.id, gu.id, 'mother' FROM s JOIN gu ON gu.email = 'parent' || substr(s.admission_no, 3)::int || '@families.test'),
          marks AS (INSERT INTO attendance (student_id, on_date, class_id, status, note, marked_by)
                    SELECT s.id, d::date, s.class_id, CASE WHEN random() < 0.1 THEN 'absent' ELSE 'present' END,
                           CASE WHEN random() < 0.05 THEN 'a note, with "quotes"' END, 'seed'
                      FROM s, generate_series('2026-09-07'::date, '2026-09-18'::date, '1 day') d
                     WHERE extract(isodow FROM d) < 6),
          a AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, weight)
                SELECT c.id, sub.id, t.id, q.name, q.max, q.weight FROM c, sub, t,
                       (VALUES ('Quiz', 20, 0.5), ('Test', 100, 1)) q(name, max, weight) RETURNING id, class_id, max_score)
     INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT a.id, s.id, round((random() * a.max_score)::numeric, 1), 'seed' FROM a JOIN s ON s.class_id = a.class_id`,
  );
});

/** Asks for an export and waits for the worker to finish it. */
async function exported(request: object): Promise<{ view: ExportView; csv: string }> {
  const asked = await admin.call<ExportView>('POST', '/api/v1/exports', request);
  expect(asked.status).toBe(202);
  expect(asked.body.status).toBe('queued');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await admin.call<ExportView>('GET', `/api/v1/exports/${asked.body.id}`);
    if (body.status === 'done') {
      const download = await fetch(body.downloadUrl!);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-disposition')).toContain(`${body.kind}-`);
      return { view: body, csv: await download.text() };
    }
    expect(body.status).not.toBe('failed');
    if (Date.now() > deadline) throw new Error(`export ${asked.body.id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const upload = async (kind: string, csv: string) =>
  (await admin.call<ImportResult>('POST', `/api/v1/imports/${kind}?mode=dry-run`, csv, { contentType: 'text/csv' }))
    .body;

describe('CSV exports, written by the exports worker from the queue', () => {
  it('exports every student with each guardian, and escapes cells a spreadsheet would run', async () => {
    const { view, csv } = await exported({ kind: 'students' });
    const rows = parse<Record<string, string>>(csv, { columns: true });
    expect(view.rowCount).toBe(120);
    expect(rows).toHaveLength(120);
    expect(rows[0]).toEqual({
      admission_no: 'E-001',
      given_name: 'Pupil 1',
      family_name: 'Family, 1',
      date_of_birth: '',
      class: '5B',
      status: 'active',
      guardian_name: 'Parent 1',
      guardian_email: 'parent1@families.test',
      guardian_phone: '',
      relationship: 'mother',
    });
    expect(rows.find((row) => row.admission_no === 'E-007')!.given_name).toBe(`'=HYPERLINK("x")`);
    expect(rows.filter((row) => row.guardian_name).length).toBe(60);

    const only5A = await exported({ kind: 'students', classId: (await classId('5A')) as string });
    expect(only5A.view.rowCount).toBe(60);
  });

  it('exports attendance for a date range in the columns of its import, so the file imports back unchanged', async () => {
    // 1,200 marks: more than one page of the worker's reads.
    const n = 1200;
    const { view, csv } = await exported({ kind: 'attendance', from: '2026-09-01', to: '2026-09-30' });
    expect(view.rowCount).toBe(n);
    expect(new Set(csv.split('\r\n').slice(1, -1)).size).toBe(n);
    expect(csv.split('\r\n')[0]).toBe('admission_no,date,status,note');
    expect(await upload('attendance', csv)).toMatchObject({ rows: n, new: 0, updated: 0, unchanged: n, invalid: 0 });
    const oneWeek = await exported({ kind: 'attendance', from: '2026-09-14', to: '2026-09-20' });
    expect(oneWeek.view.rowCount).toBe(600);
  });

  it('exports grades as the scores import takes them, so the file imports back unchanged', async () => {
    const { view, csv } = await exported({ kind: 'grades' });
    expect(view.rowCount).toBe(240);
    expect(await upload('scores', csv)).toMatchObject({ rows: 240, new: 0, updated: 0, unchanged: 240, invalid: 0 });
  });

  it('writes a request once however often its message comes, and lists requests newest first', async () => {
    const { view } = await exported({ kind: 'grades' });
    const store = { put: async () => expect.fail('a finished export must not be written again') };
    expect(await runExport(school.db, store, school.school.schoolId, view.id)).toBe('skipped');
    const list = await admin.call<{ items: ExportView[] }>('GET', '/api/v1/exports?limit=2');
    expect(list.body.items.map((item) => item.id)[0]).toBe(view.id);
    expect(list.body.items[0]!.downloadUrl).toBeUndefined();
    const [audited] = await school.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE entity = 'export' AND action = 'request'",
    );
    expect(audited!.n).toBeGreaterThanOrEqual(5);
  });

  it('refuses requests with field errors', async () => {
    const refusals = [
      [{ kind: 'attendance', to: '2026-09-01' }, 'body.from'],
      [{ kind: 'attendance', from: '2026-09-10', to: '2026-09-01' }, 'body.from'],
      [{ kind: 'attendance', from: '2025-01-01', to: '2026-09-01' }, 'body.to'],
      [{ kind: 'students', schoolId: 'another' }, 'body'],
      [{ kind: 'timetables' }, 'body.kind'],
    ] as const;
    for (const [body, path] of refusals) {
      const response = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/exports', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.fields.map((field) => field.path)).toContain(path);
    }
    expect((await admin.call('GET', '/api/v1/exports/8d1f0f8e-2a8c-4c39-9b7f-6d8f1f0e7a11')).status).toBe(404);
  });
});

async function classId(name: string): Promise<string | undefined> {
  const [row] = await school.db.query<{ id: string }>('SELECT id FROM classes WHERE name = :name', { name });
  return row?.id;
}
