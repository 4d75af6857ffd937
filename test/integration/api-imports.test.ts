import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../lambdas/api/imports/import.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-imports');
let elder: SchoolFixture;
let admin: SchoolUser;

beforeAll(async () => {
  elder = await schoolFixture(platform(), 'elder');
  admin = await elder.user('school-admin');
  await elder.db.execute(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 3', 3) RETURNING id)
     INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '3A' FROM year, grade`,
  );
});

const upload = (csv: string, mode: 'dry-run' | 'commit', kind = 'students') =>
  admin.call<ImportResult>('POST', `/api/v1/imports/${kind}?mode=${mode}`, csv, { contentType: 'text/csv' });

const header = 'admission_no,given_name,family_name,date_of_birth,class,guardian_name,guardian_email,relationship';
const bigFile = [
  header,
  ...Array.from({ length: 5000 }, (_, i) => {
    // Pairs of siblings share a guardian.
    const family = Math.floor(i / 2);
    return `I-${String(i).padStart(5, '0')},Pupil ${i},"Family, ${family}",2015-0${1 + (i % 9)}-1${i % 9},3A,Parent ${family},parent${family}@families.test,mother`;
  }),
].join('\n');

describe('CSV imports of students, past attendance and past scores (dry run, then all or nothing)', () => {
  it('reports 5,000 new rows in a dry run without writing anything', async () => {
    const dry = await upload(bigFile, 'dry-run');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ mode: 'dry-run', rows: 5000, new: 5000, invalid: 0, created: 0, report: [] });
    expect(await elder.db.query('SELECT 1 FROM students')).toEqual([]);
  });

  it('imports 5,000 students with their guardians, and importing the same file again changes nothing', async () => {
    const committed = await upload(bigFile, 'commit');
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({ created: 5000, new: 5000 });
    const [counts] = await elder.db.query<{
      students: number;
      guardians: number;
      links: number;
      audited: number;
      in_class: number;
    }>(
      `SELECT (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM guardians)::int AS guardians,
              (SELECT count(*) FROM student_guardians)::int AS links,
              (SELECT jsonb_array_length(after->'students') FROM audit_log WHERE action = 'import')::int AS audited,
              (SELECT count(*) FROM students s JOIN classes c ON c.id = s.class_id WHERE c.name = '3A')::int AS in_class`,
    );
    expect(counts).toEqual({ students: 5000, guardians: 2500, links: 5000, audited: 5000, in_class: 5000 });

    const again = await upload(bigFile, 'commit');
    expect(again.body).toMatchObject({ created: 0, new: 0, unchanged: 5000, invalid: 0 });
    const [after] = await elder.db.query<{ students: number; links: number }>(
      'SELECT (SELECT count(*) FROM students)::int AS students, (SELECT count(*) FROM student_guardians)::int AS links',
    );
    expect(after).toEqual({ students: 5000, links: 5000 });
  });

  it('reports every bad row, and a commit of a file with one writes nothing', async () => {
    const file = [
      header,
      'N-1,Good,Row,2015-01-01,3A,,,',
      'N-2,Bad,Date,2015-02-30,3A,,,',
      'N-1,Twice,Listed,,,,,',
      'N-3,No,Class,,9Z,,,',
      'N-4,Half,Guardian,,,Only Name,,',
      'I-00000,Someone,Else,,,,,',
      'bad id,X,Y,,,,,',
    ].join('\n');
    const dry = await upload(file, 'dry-run');
    expect(dry.body).toMatchObject({ rows: 7, new: 1, invalid: 6 });
    expect(dry.body.report.map((r) => [r.row, r.errors.map((e) => e.column)])).toEqual([
      [3, ['date_of_birth']],
      [4, ['admission_no']],
      [5, ['class']],
      [6, ['guardian_email']],
      [7, ['admission_no']],
      [8, ['admission_no']],
    ]);
    const commit = await upload(file, 'commit');
    expect(commit.status).toBe(400);
    expect(await elder.db.query("SELECT 1 FROM students WHERE admission_no = 'N-1'")).toEqual([]);
  });

  it('refuses a file that is not a students file', async () => {
    const wrong = await upload('name,score\nA,1', 'dry-run');
    expect(wrong.status).toBe(400);
    const notCsv = await admin.call('POST', '/api/v1/imports/students?mode=dry-run', {});
    expect(notCsv.status).toBe(415);
  });

  it('imports past attendance: new marks, corrections, and nothing changed by the same file again', async () => {
    const days = ['2026-09-07', '2026-09-08'];
    const marks = [
      'admission_no,date,status,note',
      ...Array.from({ length: 500 }, (_, i) => `I-${String(i).padStart(5, '0')}`).flatMap((admissionNo, i) =>
        days.map((day) => `${admissionNo},${day},${i % 10 === 0 ? 'absent' : 'present'},`),
      ),
    ].join('\n');
    const dry = await upload(marks, 'dry-run', 'attendance');
    expect(dry.body).toMatchObject({ rows: 1000, new: 1000, invalid: 0, created: 0 });
    const committed = await upload(marks, 'commit', 'attendance');
    expect(committed.body).toMatchObject({ created: 1000 });
    const again = await upload(marks, 'commit', 'attendance');
    expect(again.body).toMatchObject({ new: 0, updated: 0, unchanged: 1000, created: 0 });

    const correction = ['admission_no,date,status,note', 'I-00000,2026-09-07,excused,doctor'].join('\n');
    const corrected = await upload(correction, 'commit', 'attendance');
    expect(corrected.body).toMatchObject({ updated: 1, created: 1 });
    const [mark] = await elder.db.query<{ status: string; note: string }>(
      "SELECT a.status, a.note FROM attendance a JOIN students s ON s.id = a.student_id WHERE s.admission_no = 'I-00000' AND a.on_date = '2026-09-07'",
    );
    expect(mark).toEqual({ status: 'excused', note: 'doctor' });

    const bad = [
      'admission_no,date,status',
      'NOBODY,2026-09-07,present',
      'I-00001,2026-09-07,asleep',
      'I-00002,2026-09-09,present',
      'I-00002,2026-09-09,absent',
    ].join('\n');
    const report = await upload(bad, 'dry-run', 'attendance');
    expect(report.body.report.map((r) => [r.row, r.outcome, r.errors.map((e) => e.column)])).toEqual([
      [2, 'invalid', ['admission_no']],
      [3, 'invalid', ['status']],
      [5, 'invalid', ['date']],
    ]);
    expect((await upload(bad, 'commit', 'attendance')).status).toBe(400);
    expect(await elder.db.query("SELECT 1 FROM attendance WHERE on_date = '2026-09-09'")).toEqual([]);
  });
  it('imports 5,000 past scores, creating their assessments once, and nothing changed by the same file again', async () => {
    await elder.db.execute(
      `WITH y AS (SELECT id FROM academic_years WHERE name = '2026-27'),
            past AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2025-26', '2025-09-01', '2026-07-15') RETURNING id),
            terms AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                      SELECT y.id, 'Term 1', '2026-09-01'::date, '2026-12-18'::date FROM y
                      UNION ALL SELECT past.id, 'Term 3', '2026-04-13', '2026-07-15' FROM past RETURNING id),
            subject AS (INSERT INTO subjects (code, name) VALUES ('MATH', 'Mathematics') RETURNING id)
       INSERT INTO classes (academic_year_id, grade_level_id, name)
       SELECT past.id, (SELECT id FROM grade_levels WHERE name = 'Grade 3'), '2A' FROM past`,
    );
    const header = 'admission_no,year,term,subject,assessment,max_score,score,weight,held_on';
    const scores = [
      header,
      ...Array.from({ length: 2500 }, (_, i) => `I-${String(i).padStart(5, '0')}`).flatMap((admissionNo, i) => [
        `${admissionNo},2026-27,Term 1,MATH,Quiz 1,20,${i % 21},0.5,2026-10-01`,
        `${admissionNo},2026-27,Term 1,MATH,Midterm,100,${(i * 7) % 100}.5,,`,
      ]),
    ].join('\n');
    const dry = await upload(scores, 'dry-run', 'scores');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ rows: 5000, new: 5000, invalid: 0, created: 0 });
    expect(await elder.db.query('SELECT 1 FROM assessments')).toEqual([]);

    const committed = await upload(scores, 'commit', 'scores');
    expect(committed.body).toMatchObject({ new: 5000, created: 5000 });
    const assessments = await elder.db.query<{ name: string; maxScore: string; weight: string; heldOn: string | null }>(
      `SELECT name, max_score::text AS "maxScore", weight::text AS weight, held_on::text AS "heldOn"
         FROM assessments ORDER BY name`,
    );
    expect(assessments).toEqual([
      { name: 'Midterm', maxScore: '100.00', weight: '1.000', heldOn: null },
      { name: 'Quiz 1', maxScore: '20.00', weight: '0.500', heldOn: '2026-10-01' },
    ]);
    const [audited] = await elder.db.query<{ assessments: number; scores: number; stored: number }>(
      `SELECT jsonb_array_length(after->'assessments') AS assessments, jsonb_array_length(after->'scores') AS scores,
              (SELECT count(*) FROM scores)::int AS stored
         FROM audit_log WHERE action = 'import' AND entity = 'score'`,
    );
    expect(audited).toEqual({ assessments: 2, scores: 5000, stored: 5000 });

    const again = await upload(scores, 'commit', 'scores');
    expect(again.body).toMatchObject({ new: 0, updated: 0, unchanged: 5000, created: 0 });
    const correction = [header, 'I-00003,2026-27,Term 1,MATH,Quiz 1,20,19.5,,'].join('\n');
    expect((await upload(correction, 'commit', 'scores')).body).toMatchObject({ updated: 1, created: 1 });
    const [corrected] = await elder.db.query<{ score: string }>(
      `SELECT sc.score::text AS score FROM scores sc JOIN students s ON s.id = sc.student_id
         JOIN assessments a ON a.id = sc.assessment_id WHERE s.admission_no = 'I-00003' AND a.name = 'Quiz 1'`,
    );
    expect(corrected).toEqual({ score: '19.50' });

    const bad = [
      'admission_no,year,term,subject,assessment,max_score,score,class',
      'I-00010,2026-27,Term 1,ART,Quiz 1,20,5,',
      'I-00011,2024-25,Term 1,MATH,Quiz 1,20,5,',
      'I-00012,2026-27,Term 9,MATH,Quiz 1,20,5,',
      'I-00013,2026-27,Term 1,MATH,Quiz 1,20,25,',
      'I-00014,2026-27,Term 1,MATH,Quiz 1,25,5,',
      'I-00015,2025-26,Term 3,MATH,Final,50,40,',
      'I-00016,2025-26,Term 3,MATH,Final,50,40,2A',
      'I-00017,2025-26,Term 3,MATH,Final,60,40,2A',
      'I-00018,2025-26,Term 3,MATH,Final,50,4.125,2A',
    ].join('\n');
    const report = await upload(bad, 'dry-run', 'scores');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ rows: 9, new: 1, invalid: 8 });
    expect(report.body.report.map((r) => [r.row, r.errors.map((e) => e.column)])).toEqual([
      [2, ['subject']],
      [3, ['year']],
      [4, ['term']],
      [5, ['score']],
      [6, ['max_score']],
      [7, ['class']],
      [9, ['max_score']],
      [10, ['score']],
    ]);
    expect((await upload(bad, 'commit', 'scores')).status).toBe(400);
    expect(await elder.db.query("SELECT 1 FROM assessments WHERE name = 'Final'")).toEqual([]);
  });
});
