import { randomUUID } from 'node:crypto';
import { type DataApiSession, type SqlValue, typed } from '../../shared/data-api';
import type { ExportJobMessage, ExportRequest } from '../../shared/export-jobs';
import { HttpError, notFound } from '../../shared/http';
import { logger } from '../../shared/observability';
import { auditEntry } from '../../shared/audit-entry';
import { cursorValues, keysetPage } from '../sql-fragments';
import type { ExportView } from './export.schemas';

/** Where export requests go to be written: the exports queue. */
export interface ExportQueue {
  send(message: ExportJobMessage): Promise<void>;
}

/** Makes a download link for a finished export's file. */
export type DownloadLinks = (objectKey: string, fileName: string) => Promise<string>;

interface ExportRow extends Omit<ExportView, 'filters' | 'downloadUrl'> {
  filters: string;
  objectKey: string | null;
}

const exportColumns = (alias: string) =>
  `${alias}.id, ${alias}.kind, ${alias}.filters::text AS filters, ${alias}.status, ${alias}.requested_by AS "requestedBy",
   ${alias}.requested_at::text AS "requestedAt", ${alias}.finished_at::text AS "finishedAt", ${alias}.row_count AS "rowCount",
   ${alias}.failure, ${alias}.object_key AS "objectKey"`;

function view({ objectKey: _objectKey, filters, ...row }: ExportRow, downloadUrl?: string): ExportView {
  return { ...row, filters: JSON.parse(filters) as Record<string, string>, ...(downloadUrl ? { downloadUrl } : {}) };
}

/**
 * Records an export request (audited: who asked for which data) and queues it. If it
 * cannot be queued, the request is removed again and the caller is told to retry, so no
 * request waits for a message that was never sent.
 */
export async function requestExport(
  db: DataApiSession,
  queue: ExportQueue,
  actor: string,
  schoolId: string,
  request: ExportRequest,
): Promise<ExportView> {
  const { kind, ...filters } = request;
  const id = randomUUID();
  const [row] = await db.query<ExportRow>(
    `WITH changed AS (
       INSERT INTO exports (id, kind, filters, requested_by) VALUES (:id, :kind, :filters, :actor) RETURNING *),
     ${auditEntry({ action: 'request', entity: 'export', after: 'changed', rows: 'one' })}
     SELECT ${exportColumns('changed')} FROM changed`,
    { id: typed.uuid(id), kind, filters: typed.json(filters), actor },
  );
  try {
    await queue.send({ schoolId, exportId: id });
  } catch (error) {
    await db.execute(`DELETE FROM exports WHERE id = :id AND status = 'queued'`, { id: typed.uuid(id) });
    logger.error('export request could not be queued', { error });
    throw new HttpError(503, 'UNAVAILABLE', 'The export could not be queued; nothing was requested. Try again.');
  }
  return view(row!);
}

export async function listExports(
  db: DataApiSession,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: ExportView[]; nextCursor: string | null }> {
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  let after = '';
  if (query.cursor) {
    const [at, id] = cursorValues(query.cursor, 2);
    after = 'WHERE (e.requested_at, e.id) < (:at::timestamptz, :afterId)';
    Object.assign(params, { at: String(at), afterId: typed.uuid(String(id)) });
  }
  const rows = await db.query<ExportRow>(
    `SELECT ${exportColumns('e')} FROM exports e ${after} ORDER BY e.requested_at DESC, e.id DESC LIMIT :limit`,
    params,
  );
  const page = keysetPage(rows, query.limit, (last) => [last.requestedAt, last.id]);
  return { items: page.items.map((row) => view(row)), nextCursor: page.nextCursor };
}

/** One export; when it is done, with a fresh download link. */
export async function getExport(db: DataApiSession, links: DownloadLinks, exportId: string): Promise<ExportView> {
  const [row] = await db.query<ExportRow>(`SELECT ${exportColumns('e')} FROM exports e WHERE e.id = :id`, {
    id: typed.uuid(exportId),
  });
  if (!row) throw notFound('The export');
  if (row.status !== 'done' || !row.objectKey) return view(row);
  const fileName = `${row.kind}-${row.requestedAt.slice(0, 10)}.csv`;
  return view(row, await links(row.objectKey, fileName));
}
