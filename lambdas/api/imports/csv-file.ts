import { parse } from 'csv-parse/sync';
import type * as z from 'zod';
import { type TypedValue, typed } from '../../shared/data-api';
import { HttpError, invalid } from '../../shared/http';
import type { ImportResult, RowReport } from './import.schemas';

/** The most rows one file may hold. */
export const maxCsvRows = 20_000;

export interface CsvRow<T> {
  /** Line of the row in the file (the header is line 1). */
  readonly row: number;
  readonly value?: T;
  readonly errors: RowReport['errors'];
}

/**
 * Reads a CSV file whose header names its columns (in any order), validating each row with
 * `rowSchema` and refusing a repeated natural key. Problems with the file itself (not CSV,
 * no rows, unknown or missing columns, too many rows) are a 400 or 413; problems with a row
 * are reported on that row.
 */
export function readCsv<S extends z.ZodType>(
  text: string,
  file: {
    kind: string;
    columns: readonly string[];
    required: readonly string[];
    rowSchema: S;
    keyOf: (row: z.infer<S>) => string;
    keyColumn: string;
  },
): CsvRow<z.infer<S>>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      bom: true,
      trim: true,
    });
  } catch (error) {
    throw invalid([{ path: 'body', message: `is not readable CSV: ${(error as Error).message}` }]);
  }
  const header = Object.keys(records[0] ?? {});
  const unknown = header.filter((column) => !file.columns.includes(column));
  const missing = file.required.filter((column) => !header.includes(column));
  if (records.length === 0 || unknown.length || missing.length) {
    throw invalid([
      ...(records.length === 0 ? [{ path: 'body', message: 'has no rows under its header' }] : []),
      ...unknown.map((column) => ({
        path: `body.columns.${column}`,
        message: `is not a column of a ${file.kind} file`,
      })),
      ...missing.map((column) => ({ path: `body.columns.${column}`, message: 'is missing' })),
    ]);
  }
  if (records.length > maxCsvRows) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `A file may hold ${maxCsvRows} rows.`);
  const seen = new Map<string, number>();
  return records.map((record, index) => {
    const row = index + 2;
    const parsed = file.rowSchema.safeParse(record);
    if (!parsed.success) {
      return {
        row,
        errors: parsed.error.issues.map((issue) => ({
          column: String(issue.path[0] ?? 'row'),
          message: issue.message,
        })),
      };
    }
    const key = file.keyOf(parsed.data);
    const earlier = seen.get(key);
    if (earlier) return { row, errors: [{ column: file.keyColumn, message: `repeats row ${earlier}` }] };
    seen.set(key, row);
    return { row, value: parsed.data, errors: [] };
  });
}

/** The refusal of a commit when rows are invalid: nothing was written, and the first rows at fault are named. */
export function invalidRows(report: readonly RowReport[]): HttpError {
  const bad = report.filter((entry) => entry.outcome === 'invalid');
  return new HttpError(
    400,
    'IMPORT_INVALID',
    `${bad.length} rows are not valid; nothing was imported.`,
    bad
      .slice(0, 100)
      .flatMap((entry) =>
        entry.errors.map((error) => ({ path: `body.rows.${entry.row}.${error.column}`, message: error.message })),
      ),
  );
}

/** The Data API takes requests of up to 4 MiB; this leaves room for the statement itself. */
const maxRowsParameterBytes = 4 * 1024 * 1024 - 64 * 1024;

/**
 * The rows a commit sends to the database, as one JSON parameter. A file whose rows do not
 * fit in one Data API request is refused (413) before anything is written, rather than
 * written in parts that could stop half-way.
 */
export function rowsParameter(rows: readonly object[]): TypedValue {
  const parameter = typed.json(rows);
  // The parameter travels as a JSON string inside the request's JSON: measure it that way.
  if (Buffer.byteLength(JSON.stringify(parameter.value)) > maxRowsParameterBytes) {
    throw new HttpError(
      413,
      'PAYLOAD_TOO_LARGE',
      `These ${rows.length} rows are too much to import at once; split the file in two and import each part.`,
    );
  }
  return parameter;
}

/** What a dry run (or a commit, before it writes) answers: the counts, and the rows invalid counted from the report. */
export function importResult(
  mode: ImportResult['mode'],
  rows: number,
  counts: { new: number; updated?: number; unchanged: number },
  report: RowReport[],
): ImportResult {
  const invalid = report.filter((entry) => entry.outcome === 'invalid').length;
  return { mode, rows, ...counts, invalid, created: 0, report };
}
