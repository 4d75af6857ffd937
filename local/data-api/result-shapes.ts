import type pg from 'pg';
import { badRequest } from './errors';
import { columnType, toField, toJsonValue } from './values';

/**
 * A statement's result as the Data API answers it: the rows as `formattedRecords` (JSON) or
 * typed `records`, column metadata when asked, and the count of rows a write changed; a row
 * larger than the service's limit is refused.
 */
export function shapeResult(result: pg.QueryResult<unknown[]>, body: Record<string, unknown>, maxRowBytes: number) {
  const fields = result.fields ?? [];
  const response: Record<string, unknown> = {
    numberOfRecordsUpdated: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0),
    generatedFields: [],
  };
  if (fields.length === 0) return response;
  for (const row of result.rows) {
    const bytes = (row as (string | null)[]).reduce((n, cell) => n + (cell === null ? 0 : Buffer.byteLength(cell)), 0);
    if (bytes > maxRowBytes) throw badRequest('Database returned a row larger than the 64 KB limit.');
  }
  if (body.formatRecordsAs === 'JSON') {
    const objects = result.rows.map((row) =>
      Object.fromEntries(
        fields.map((f, i) => [f.name, toJsonValue(f.dataTypeID, (row as (string | null)[])[i] ?? null)]),
      ),
    );
    response.formattedRecords = JSON.stringify(objects);
  } else {
    response.records = result.rows.map((row) =>
      fields.map((f, i) => toField(f.dataTypeID, (row as (string | null)[])[i] ?? null)),
    );
  }
  if (body.includeResultMetadata) {
    response.columnMetadata = fields.map((f) => ({
      name: f.name,
      label: f.name,
      ...columnType(f.dataTypeID),
      nullable: 2,
    }));
  }
  return response;
}
