import { auditEntry } from '../../shared/audit-entry';
import type { DataApiSession } from '../../shared/data-api';
import { packedTuples, unpackTuples } from '../sql-fragments';
import { importResult, invalidRows, readCsv, rowsParameter } from './csv-file';
import {
  type AttendanceCsvRow,
  attendanceCsvColumns,
  attendanceCsvRow,
  type ImportResult,
  requiredAttendanceCsvColumns,
  type RowReport,
} from './import.schemas';

interface MarkCheck {
  studentFound: boolean;
  inClass: boolean;
  recorded: boolean;
  same: boolean | null;
}

/**
 * Imports past attendance: one mark per student and day, in the student's class. A dry run
 * reports each row as new, a correction of what is recorded, unchanged or invalid (one
 * round trip); a commit writes the new marks and corrections in one audited statement, or
 * nothing if any row is invalid. The same file imported again changes nothing.
 */
export async function importAttendance(
  db: DataApiSession,
  actor: string,
  text: string,
  mode: 'dry-run' | 'commit',
): Promise<ImportResult> {
  const rows = readCsv(text, {
    kind: 'attendance',
    columns: attendanceCsvColumns,
    required: requiredAttendanceCsvColumns,
    rowSchema: attendanceCsvRow,
    keyOf: (row) => `${row.admission_no}/${row.date}`,
    keyColumn: 'date',
  });
  const valid = rows.filter((row) => row.value);
  const checks = new Map<number, MarkCheck>();
  if (valid.length) {
    const found = await db.query<{ part: string }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r(n int, admission_no text, on_date date, status text, note text)),
       checked AS (
         SELECT i.n, s.id IS NOT NULL AS student, s.class_id IS NOT NULL AS in_class, a.student_id IS NOT NULL AS recorded,
                CASE WHEN a.student_id IS NULL THEN NULL
                     ELSE a.status = i.status AND a.note IS NOT DISTINCT FROM i.note END AS same
           FROM input i
           LEFT JOIN students s ON s.admission_no = i.admission_no
           LEFT JOIN attendance a ON a.student_id = s.id AND a.on_date = i.on_date)
       ${packedTuples('SELECT * FROM checked', ['n', 'student::int', 'in_class::int', 'recorded::int', 'same'])}`,
      {
        rows: rowsParameter(
          valid.map(({ row, value }) => ({
            n: row,
            admission_no: value!.admission_no,
            on_date: value!.date,
            status: value!.status,
            note: value!.note ?? null,
          })),
        ),
      },
    );
    for (const [n, student, inClass, recorded, same] of unpackTuples<[number, number, number, number, boolean | null]>(
      found,
    )) {
      checks.set(n, { studentFound: student === 1, inClass: inClass === 1, recorded: recorded === 1, same });
    }
  }

  const report: RowReport[] = [];
  const toWrite: AttendanceCsvRow[] = [];
  let fresh = 0;
  let updated = 0;
  let unchanged = 0;
  for (const row of rows) {
    const check = checks.get(row.row);
    const errors = [...row.errors];
    if (row.value && check && !check.studentFound)
      errors.push({ column: 'admission_no', message: 'is not a student of this school' });
    else if (row.value && check && !check.inClass)
      errors.push({ column: 'admission_no', message: 'is a student without a class' });
    const admissionNo = row.value?.admission_no ?? null;
    if (errors.length || !row.value || !check) {
      report.push({ row: row.row, admissionNo, outcome: 'invalid', errors });
    } else if (check.recorded && check.same) {
      unchanged++;
    } else {
      if (check.recorded) {
        updated++;
        report.push({ row: row.row, admissionNo, outcome: 'updated', errors: [] });
      } else fresh++;
      toWrite.push(row.value);
    }
  }
  const result = importResult(mode, rows.length, { new: fresh, updated, unchanged }, report);
  // Built before a dry run answers, so that a file too large to commit is refused by the dry run too.
  const commitRows = rowsParameter(
    toWrite.map((row) => ({
      admission_no: row.admission_no,
      on_date: row.date,
      status: row.status,
      note: row.note ?? null,
    })),
  );
  if (mode === 'dry-run' || toWrite.length === 0) return result;
  if (result.invalid) throw invalidRows(report);

  // Students are found again by admission number, so the marks go to the class each is in now, as the dry run said.
  const [written] = await db.query<{ written: number }>(
    `WITH input AS (
       SELECT s.id AS student_id, r.on_date, s.class_id, r.status, r.note
         FROM jsonb_to_recordset(:rows::jsonb) AS r(admission_no text, on_date date, status text, note text)
         JOIN students s ON s.admission_no = r.admission_no
        WHERE s.class_id IS NOT NULL),
     previous AS (
       SELECT a.* FROM attendance a JOIN input i ON i.student_id = a.student_id AND i.on_date = a.on_date),
     upserted AS (
       INSERT INTO attendance (student_id, on_date, class_id, status, note, marked_by)
       SELECT student_id, on_date, class_id, status, note, :actor FROM input
       ON CONFLICT (student_id, on_date) DO UPDATE
          SET status = excluded.status, note = excluded.note, marked_by = excluded.marked_by, marked_at = now()
        WHERE (attendance.status, attendance.note) IS DISTINCT FROM (excluded.status, excluded.note)
       RETURNING *),
     ${auditEntry({
       action: 'import',
       entity: 'attendance',
       before: 'previous',
       after: 'upserted',
       rows: 'many',
       key: ['student_id', 'on_date'],
       people: ['student_id'],
     })}
     SELECT count(*)::int AS written FROM upserted`,
    {
      actor,
      rows: commitRows,
    },
  );
  return { ...result, created: written!.written };
}
