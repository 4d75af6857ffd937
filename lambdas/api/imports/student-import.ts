import { auditEntry } from '../../shared/audit-entry';
import type { DataApiSession } from '../../shared/data-api';
import { packedTuples, unpackTuples } from '../sql-fragments';
import { importResult, invalidRows, readCsv, rowsParameter } from './csv-file';
import {
  type ImportResult,
  requiredStudentCsvColumns,
  type RowReport,
  studentCsvColumns,
  type StudentCsvRow,
  studentCsvRow,
} from './import.schemas';

/** Reads a students file, row by row. */
export function readStudentCsv(text: string) {
  return readCsv(text, {
    kind: 'students',
    columns: studentCsvColumns,
    required: requiredStudentCsvColumns,
    rowSchema: studentCsvRow,
    keyOf: (row) => row.admission_no,
    keyColumn: 'admission_no',
  });
}

interface RowCheck {
  n: number;
  existing: boolean;
  same: boolean | null;
  classId: string | null;
}

/**
 * Imports students (with their guardians) from a CSV file. A dry run reports row by row
 * what a commit would do, in one round trip; a commit checks again and, only if no row is
 * invalid, writes every new student, guardian and link in one audited statement. Rows
 * whose admission number exists with the same names are unchanged, so importing the same
 * file twice changes nothing.
 */
export async function importStudents(
  db: DataApiSession,
  _marker: string,
  text: string,
  mode: 'dry-run' | 'commit',
): Promise<ImportResult> {
  const rows = readStudentCsv(text);
  const valid = rows.filter((row) => row.value);
  const checks = new Map<number, RowCheck>();
  if (valid.length) {
    const found = await db.query<{ kind: 'rows' | 'classes'; part: string | null }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r(n int, admission_no text, given_name text, family_name text, class text)),
       current_classes AS (
         SELECT DISTINCT ON (c.name) c.name, c.id
           FROM classes c JOIN academic_years y ON y.id = c.academic_year_id ORDER BY c.name, y.starts_on DESC),
       checked AS (
         SELECT i.n, s.id IS NOT NULL AS existing,
                CASE WHEN s.id IS NULL THEN NULL ELSE s.given_name = i.given_name AND s.family_name = i.family_name END AS same
           FROM input i LEFT JOIN students s ON s.admission_no = i.admission_no)
       SELECT 'rows' AS kind, part FROM (${packedTuples('SELECT * FROM checked', ['n', 'existing', 'same'])}) tuples
       UNION ALL
       SELECT 'classes', json_object_agg(name, id)::text
         FROM current_classes WHERE name IN (SELECT class FROM input)`,
      {
        rows: rowsParameter(
          valid.map(({ row, value }) => ({
            n: row,
            admission_no: value!.admission_no,
            given_name: value!.given_name,
            family_name: value!.family_name,
            class: value!.class ?? null,
          })),
        ),
      },
    );
    const classIds = new Map(
      found
        .filter((part) => part.kind === 'classes' && part.part)
        .flatMap((part) => Object.entries(JSON.parse(part.part!) as Record<string, string>)),
    );
    const tuples = unpackTuples<[number, boolean, boolean | null]>(found.filter((part) => part.kind === 'rows'));
    const classOfRow = new Map(valid.map(({ row, value }) => [row, value!.class]));
    for (const [n, existing, same] of tuples) {
      const className = classOfRow.get(n);
      checks.set(n, { n, existing, same, classId: (className && classIds.get(className)) ?? null });
    }
  }

  const report: RowReport[] = [];
  const toCreate: (StudentCsvRow & { classId: string | null })[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const check = checks.get(row.row);
    const errors = [...row.errors];
    if (row.value && check) {
      if (check.existing && !check.same) {
        errors.push({ column: 'admission_no', message: 'belongs to a different student in this school' });
      }
      if (row.value.class && !check.classId) errors.push({ column: 'class', message: 'is not a class of this school' });
    }
    if (errors.length || !row.value || !check) {
      report.push({ row: row.row, admissionNo: row.value?.admission_no ?? null, outcome: 'invalid', errors });
    } else if (check.existing) {
      unchanged++;
      report.push({ row: row.row, admissionNo: row.value.admission_no, outcome: 'unchanged', errors: [] });
    } else {
      toCreate.push({ ...row.value, classId: check.classId });
    }
  }
  const result = importResult(mode, rows.length, { new: toCreate.length, unchanged }, report);
  // Built before a dry run answers, so that a file too large to commit is refused by the dry run too.
  const commitRows = rowsParameter(
    // Arrays rather than objects: a file of 20,000 students then fits in one Data API request.
    toCreate.map((row) => [
      row.admission_no,
      row.given_name,
      row.family_name,
      row.date_of_birth ?? null,
      row.classId,
      row.guardian_name ?? null,
      row.guardian_email ?? null,
      row.guardian_phone ?? null,
      row.relationship ?? null,
    ]),
  );
  if (mode === 'dry-run' || toCreate.length === 0) return result;
  if (result.invalid) throw invalidRows(report);

  const [written] = await db.query<{ created: number }>(
    `WITH input AS (
       SELECT e->>0 AS admission_no, e->>1 AS given_name, e->>2 AS family_name, (e->>3)::date AS date_of_birth,
              (e->>4)::uuid AS class_id, e->>5 AS guardian_name, e->>6 AS guardian_email, e->>7 AS guardian_phone,
              e->>8 AS relationship
         FROM jsonb_array_elements(:rows::jsonb) e),
     created AS (
       INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id)
       SELECT admission_no, given_name, family_name, date_of_birth, class_id FROM input
       ON CONFLICT (admission_no) DO NOTHING RETURNING *),
     guardian_input AS (
       SELECT DISTINCT ON (lower(guardian_email)) guardian_name, guardian_email, guardian_phone
         FROM input WHERE guardian_email IS NOT NULL ORDER BY lower(guardian_email)),
     new_guardians AS (
       INSERT INTO guardians (name, email, phone)
       SELECT guardian_name, guardian_email, guardian_phone FROM guardian_input
       ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO NOTHING
       RETURNING *),
     -- Every part of one statement sees the tables as they were: the guardians it finds are the others.
     guardians_known AS (
       SELECT id, email FROM new_guardians
       UNION ALL
       SELECT g.id, g.email FROM guardians g JOIN guardian_input i ON lower(g.email) = lower(i.guardian_email)),
     linked AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT c.id, g.id, coalesce(i.relationship, 'guardian')
         FROM created c JOIN input i ON i.admission_no = c.admission_no
         JOIN guardians_known g ON lower(g.email) = lower(i.guardian_email)
       ON CONFLICT DO NOTHING RETURNING *),
     ${auditEntry({
       action: 'import',
       entity: 'student',
       rows: 'many',
       parts: {
         students: { after: 'created', people: ['id'] },
         guardians: { after: 'new_guardians', people: ['id'] },
         links: { after: 'linked', people: ['student_id', 'guardian_id'] },
       },
     })}
     SELECT (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM linked)::int AS links`,
    { rows: commitRows },
  );
  return { ...result, created: written!.created };
}
