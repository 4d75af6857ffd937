import { stringify } from 'csv-stringify/sync';
import { attendanceCsvColumns, scoreCsvColumns } from '../shared/csv-formats';
import { type DataApiSession, type SqlValue, typed } from '../shared/data-api';
import { type ExportKind, type ExportRequest, exportObjectKey, exportRequest } from '../shared/export-jobs';

/** Rows per Data API call: a page of the widest kind stays well inside the 1 MiB response limit. */
const pageSize = 1000;

/** Where the file goes; the exports bucket on AWS and locally. */
export interface ExportStore {
  put(key: string, body: string, contentType: string): Promise<void>;
}

interface KindQuery<R extends ExportRequest> {
  /** Header row: the CSV columns, which are the query's column names. */
  readonly columns: readonly string[];
  /** Ordered by `order`; `:after…` parameters continue after the last row of the page before. */
  readonly sql: string;
  readonly order: readonly string[];
  /** The query's parameters from the request's filters. */
  readonly parameters: (request: R) => Record<string, SqlValue>;
}

const kinds: { [K in ExportKind]: KindQuery<Extract<ExportRequest, { kind: K }>> } = {
  // One row per student and guardian (a student without a guardian has one row with empty guardian columns).
  students: {
    columns: [
      'admission_no',
      'given_name',
      'family_name',
      'date_of_birth',
      'class',
      'status',
      'guardian_name',
      'guardian_email',
      'guardian_phone',
      'relationship',
    ],
    sql: `SELECT s.admission_no, s.given_name, s.family_name, s.date_of_birth::text AS date_of_birth, c.name AS class,
                 s.status, g.name AS guardian_name, g.email AS guardian_email, g.phone AS guardian_phone, sg.relationship,
                 coalesce(g.id::text, '') AS guardian_key
            FROM students s
            LEFT JOIN classes c ON c.id = s.class_id
            LEFT JOIN student_guardians sg ON sg.student_id = s.id
            LEFT JOIN guardians g ON g.id = sg.guardian_id
           WHERE (:status::text IS NULL OR s.status = :status::text)
             AND (:classId::uuid IS NULL OR s.class_id = :classId::uuid)
             AND (s.admission_no, coalesce(g.id::text, '')) > (:after0::text, :after1::text)
           ORDER BY s.admission_no, coalesce(g.id::text, '')`,
    order: ['admission_no', 'guardian_key'],
    parameters: (request) => ({ status: request.status ?? null, classId: request.classId ?? null }),
  },
  // The columns of the attendance import.
  attendance: {
    columns: attendanceCsvColumns,
    sql: `SELECT s.admission_no, a.on_date::text AS date, a.status, a.note
            FROM attendance a JOIN students s ON s.id = a.student_id
           WHERE a.on_date BETWEEN :from::date AND :to::date
             AND (:classId::uuid IS NULL OR a.class_id = :classId::uuid)
             AND (a.on_date::text, s.admission_no) > (:after0::text, :after1::text)
           ORDER BY a.on_date::text, s.admission_no`,
    order: ['date', 'admission_no'],
    parameters: (request) => ({ from: request.from, to: request.to, classId: request.classId ?? null }),
  },
  // The columns of the scores import: one row per score, the assessment named as the import names it.
  grades: {
    columns: scoreCsvColumns,
    sql: `SELECT s.admission_no, y.name AS year, t.name AS term, sub.code AS subject, a.name AS assessment,
                 a.max_score::text AS max_score, sc.score::text AS score, a.weight::text AS weight,
                 a.held_on::text AS held_on, c.name AS class, a.id::text AS assessment_key
            FROM scores sc
            JOIN assessments a ON a.id = sc.assessment_id
            JOIN students s ON s.id = sc.student_id
            JOIN terms t ON t.id = a.term_id
            JOIN academic_years y ON y.id = t.academic_year_id
            JOIN subjects sub ON sub.id = a.subject_id
            JOIN classes c ON c.id = a.class_id
           WHERE (:termId::uuid IS NULL OR a.term_id = :termId::uuid)
             AND (a.id::text, s.admission_no) > (:after0::text, :after1::text)
           ORDER BY a.id::text, s.admission_no`,
    order: ['assessment_key', 'admission_no'],
    parameters: (request) => ({ termId: request.termId ?? null }),
  },
};

/** Every row of an export, page by page in keyset order. */
async function readAll(db: DataApiSession, request: ExportRequest): Promise<Record<string, unknown>[]> {
  // The kind's query takes a request of that kind; TypeScript cannot follow the pairing through the index.
  const query = kinds[request.kind] as KindQuery<ExportRequest>;
  const rows: Record<string, unknown>[] = [];
  let after = ['', ''];
  for (;;) {
    const page = await db.query<Record<string, unknown>>(`${query.sql} LIMIT ${pageSize}`, {
      ...query.parameters(request),
      after0: after[0],
      after1: after[1],
    });
    rows.push(...page);
    if (page.length < pageSize) return rows;
    const last = page.at(-1)!;
    after = query.order.map((column) => String(last[column]));
  }
}

/** The CSV text of an export: a header row, then the rows; cells that a spreadsheet would run as formulas are escaped. */
export function exportCsv(kind: ExportKind, rows: readonly Record<string, unknown>[]): string {
  const { columns } = kinds[kind];
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? '')),
    { header: true, columns: [...columns], escape_formulas: true, record_delimiter: '\r\n' },
  );
}

/**
 * Writes one requested export: claims the request (queued or left running by an attempt
 * that stopped), reads its rows, puts the file, marks it done. A request already done or
 * failed is left alone, so a message delivered twice writes once.
 */
export async function runExport(
  db: DataApiSession,
  store: ExportStore,
  schoolId: string,
  exportId: string,
): Promise<'written' | 'skipped'> {
  const [claimed] = await db.query<{ filters: string }>(
    `UPDATE exports SET status = 'running'
      WHERE id = :id AND status IN ('queued', 'running')
      RETURNING (filters || jsonb_build_object('kind', kind))::text AS filters`,
    { id: typed.uuid(exportId) },
  );
  if (!claimed) return 'skipped';
  const request = exportRequest.parse(JSON.parse(claimed.filters));
  const rows = await readAll(db, request);
  const key = exportObjectKey(schoolId, exportId, request.kind);
  await store.put(key, exportCsv(request.kind, rows), 'text/csv; charset=utf-8');
  await db.execute(
    `UPDATE exports SET status = 'done', object_key = :key, row_count = :rows, finished_at = now()
      WHERE id = :id AND status = 'running'`,
    { id: typed.uuid(exportId), key, rows: rows.length },
  );
  return 'written';
}

/** Records that a request cannot be written (after the last attempt), with a reason a school admin can read. */
export async function failExport(db: DataApiSession, exportId: string, reason: string): Promise<void> {
  await db.execute(
    `UPDATE exports SET status = 'failed', failure = :reason, finished_at = now()
      WHERE id = :id AND status IN ('queued', 'running')`,
    { id: typed.uuid(exportId), reason },
  );
}
