import { type DataApiSession, typed } from '../../shared/data-api';
import { invalidRows, readCsv } from './csv-file';
import {
  type AttendanceCsvRow,
  attendanceCsvColumns,
  attendanceCsvRow,
  type ImportResult,
  requiredAttendanceCsvColumns,
  type RowReport,
} from './import.schemas';

interface MarkCheck {
  n: number;
  studentId: string | null;
  classId: string | null;
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
    const found = await db.query<MarkCheck>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r(n int, admission_no text, on_date date, status text, note text))
       SELECT i.n, s.id AS "studentId", s.class_id AS "classId", a.student_id IS NOT NULL AS recorded,
              CASE WHEN a.student_id IS NULL THEN NULL
                   ELSE a.status = i.status AND a.note IS NOT DISTINCT FROM i.note END AS same
         FROM input i
         LEFT JOIN students s ON s.admission_no = i.admission_no
         LEFT JOIN attendance a ON a.student_id = s.id AND a.on_date = i.on_date`,
      {
        rows: typed.json(
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
    for (const check of found) checks.set(check.n, check);
  }

  const report: RowReport[] = [];
  const toWrite: (AttendanceCsvRow & { studentId: string; classId: string })[] = [];
  let fresh = 0;
  let updated = 0;
  let unchanged = 0;
  for (const row of rows) {
    const check = checks.get(row.row);
    const errors = [...row.errors];
    if (row.value && check && !check.studentId)
      errors.push({ column: 'admission_no', message: 'is not a student of this school' });
    else if (row.value && check && !check.classId)
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
      toWrite.push({ ...row.value, studentId: check.studentId!, classId: check.classId! });
    }
  }
  const invalidCount = report.filter((entry) => entry.outcome === 'invalid').length;
  const result = {
    mode,
    rows: rows.length,
    new: fresh,
    updated,
    unchanged,
    invalid: invalidCount,
    created: 0,
    report,
  } satisfies ImportResult;
  if (mode === 'dry-run' || toWrite.length === 0) return result;
  if (invalidCount) throw invalidRows(report);

  const [written] = await db.query<{ written: number }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS r(student_id uuid, on_date date, class_id uuid, status text, note text)),
     before AS (SELECT a.* FROM attendance a JOIN input i ON i.student_id = a.student_id AND i.on_date = a.on_date),
     upserted AS (
       INSERT INTO attendance (student_id, on_date, class_id, status, note, marked_by)
       SELECT student_id, on_date, class_id, status, note, :actor FROM input
       ON CONFLICT (student_id, on_date) DO UPDATE
          SET status = excluded.status, note = excluded.note, marked_by = excluded.marked_by, marked_at = now()
        WHERE (attendance.status, attendance.note) IS DISTINCT FROM (excluded.status, excluded.note)
       RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
       SELECT :actor, 'import', 'attendance', u.student_id::text || '/' || u.on_date, to_jsonb(b), to_jsonb(u)
         FROM upserted u LEFT JOIN before b ON b.student_id = u.student_id AND b.on_date = u.on_date)
     SELECT count(*)::int AS written FROM upserted`,
    {
      actor,
      rows: typed.json(
        toWrite.map((row) => ({
          student_id: row.studentId,
          on_date: row.date,
          class_id: row.classId,
          status: row.status,
          note: row.note ?? null,
        })),
      ),
    },
  );
  return { ...result, created: written!.written };
}
