import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import type { RecordPart } from './student-records';

/** One file of the archive, as the manifest lists it. */
export interface ManifestEntry {
  readonly name: string;
  /** Rows of data in it (a JSON array's items, a CSV's lines after the header); null for the summary and notes. */
  readonly rows: number | null;
  readonly bytes: number;
  /** SHA-256 of the file's bytes, in hex: anyone can check the file is as the school wrote it. */
  readonly sha256: string;
}

export interface ExportManifest {
  readonly files: readonly ManifestEntry[];
}

/** A value as one CSV cell: nested values (drivers, before and after rows) as their JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** A part's rows as CSV: one column per field, in the order fields first appear. */
export function partCsv(rows: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (!columns.length) return '';
  return stringify(
    rows.map((row) => columns.map((column) => cell(row[column]))),
    { header: true, columns, bom: true },
  );
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The archive of a student's data: each part as JSON (exact, for another system to read) and
 * as CSV (for a spreadsheet), the readable PDF summary, a note on how to read it, and a
 * manifest of every other file's rows, size and checksum.
 */
export function exportArchive(
  parts: readonly RecordPart[],
  summaryPdf: Uint8Array,
  readMe: string,
): { zip: Uint8Array; manifest: ExportManifest } {
  const files: [string, Uint8Array, number | null][] = [
    ['README.txt', strToU8(readMe), null],
    ['summary.pdf', summaryPdf, null],
  ];
  for (const part of parts) {
    files.push([`data/${part.name}.json`, strToU8(`${JSON.stringify(part.rows, null, 2)}\n`), part.rows.length]);
    files.push([`data/${part.name}.csv`, strToU8(partCsv(part.rows)), part.rows.length]);
  }
  const manifest: ExportManifest = {
    files: files.map(([name, bytes, rows]) => ({ name, rows, bytes: bytes.length, sha256: sha256(bytes) })),
  };
  const entries = Object.fromEntries(files.map(([name, bytes]) => [name, bytes]));
  entries['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  // A fixed time in the entries: the same records make the same archive.
  return { zip: zipSync(entries, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') }), manifest };
}
