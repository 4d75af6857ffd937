import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../lambdas/api/imports/import.schemas';
import { maxCsvRows } from '../../lambdas/api/imports/csv-file';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

// The largest files an import takes: every answer and every commit must fit the Data API's
// limits (1 MiB response, 64 KB row, 4 MiB request) in one call.
const platform = useLocalPlatform('api-imports-largest');
let school: SchoolFixture;
let admin: SchoolUser;

beforeAll(async () => {
  school = await schoolFixture(platform(), 'largest');
  admin = await school.user('school-admin');
  await school.db.execute(
    `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          g AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 3', 3) RETURNING id),
          t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                SELECT y.id, 'Term 1', '2026-09-01', '2026-12-18' FROM y),
          s AS (INSERT INTO subjects (code, name) VALUES ('MATH', 'Mathematics'))
     INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT y.id, g.id, '3A' FROM y, g`,
  );
});

const upload = (kind: string, csv: string, mode: 'dry-run' | 'commit') =>
  admin.call<ImportResult>('POST', `/api/v1/imports/${kind}?mode=${mode}`, csv, { contentType: 'text/csv' });

const admissionNos = Array.from({ length: maxCsvRows }, (_, i) => `L-${String(i).padStart(5, '0')}`);

describe(`imports of the largest files (${maxCsvRows} rows), each in one request`, () => {
  it('imports students with guardians, then changes nothing on the same file again', async () => {
    const csv = [
      'admission_no,given_name,family_name,date_of_birth,class,guardian_name,guardian_email,relationship',
      ...admissionNos.map(
        (no, i) =>
          `${no},Pupil ${i},Family ${i >> 1},2015-03-0${1 + (i % 9)},3A,Parent ${i >> 1},parent${i >> 1}@families.test,father`,
      ),
    ].join('\n');
    expect((await upload('students', csv, 'dry-run')).body).toMatchObject({ new: maxCsvRows, invalid: 0 });
    expect((await upload('students', csv, 'commit')).body).toMatchObject({ created: maxCsvRows });
    expect((await upload('students', csv, 'commit')).body).toMatchObject({ created: 0, unchanged: maxCsvRows });
    const [counts] = await school.db.query<{ students: number; links: number }>(
      'SELECT (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM student_guardians)::int AS links',
    );
    expect(counts).toEqual({ students: maxCsvRows, links: maxCsvRows });
  });

  it('imports attendance, then corrects every mark', async () => {
    const marks = (status: string) =>
      ['admission_no,date,status', ...admissionNos.map((no) => `${no},2026-09-07,${status}`)].join('\n');
    expect((await upload('attendance', marks('present'), 'commit')).body).toMatchObject({ created: maxCsvRows });
    expect((await upload('attendance', marks('late'), 'commit')).body).toMatchObject({
      updated: maxCsvRows,
      created: maxCsvRows,
    });
    const [late] = await school.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM attendance WHERE status = 'late'",
    );
    expect(late!.n).toBe(maxCsvRows);
  });

  it('imports scores of four new assessments, then corrects every score', async () => {
    const scores = (shift: number) =>
      [
        'admission_no,year,term,subject,assessment,max_score,score',
        ...admissionNos.map((no, i) => `${no},2026-27,Term 1,MATH,Quiz ${i % 4},20,${(i + shift) % 21}`),
      ].join('\n');
    expect((await upload('scores', scores(0), 'dry-run')).body).toMatchObject({ new: maxCsvRows, invalid: 0 });
    expect((await upload('scores', scores(0), 'commit')).body).toMatchObject({ created: maxCsvRows });
    expect((await upload('scores', scores(1), 'commit')).body).toMatchObject({ updated: maxCsvRows });
    // One audit entry each commit, holding every score it wrote (and, the first, the new assessments).
    const entries = await school.db.query<{ assessments: number | null; scores: number }>(
      `SELECT jsonb_array_length(after->'assessments') AS assessments, jsonb_array_length(after->'scores') AS scores
         FROM audit_log WHERE entity = 'score' ORDER BY id`,
    );
    expect(entries).toEqual([
      { assessments: 4, scores: maxCsvRows },
      { assessments: null, scores: maxCsvRows },
    ]);
  });

  it('refuses, in the dry run already, a file whose rows do not fit in one database call', async () => {
    // Backslashes are one byte in the file and four once JSON-encoded twice for the Data API.
    const slashes = '\\'.repeat(90);
    const csv = [
      'admission_no,given_name,family_name,class',
      ...admissionNos.slice(0, 12_000).map((no) => `X${no},${slashes},${slashes},3A`),
    ].join('\n');
    const dry = await upload('students', csv, 'dry-run');
    expect(dry.status).toBe(413);
    expect(JSON.stringify(dry.body)).toContain('split the file');
    expect((await upload('students', csv, 'commit')).status).toBe(413);
  });
});
