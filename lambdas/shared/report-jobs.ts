import { randomUUID } from 'node:crypto';
import { auditEntry } from './audit-entry';
import { type DataApiSession, typed } from './data-api';
import { sendToQueue } from './queue-messages';
import { reportsQueue } from './queues';
import type { ReportJobMessage, ReportRequest } from './report-requests';

export type { ReportRequest } from './report-requests';

/** Where report requests go to be rendered: the reports queue. */
export interface ReportQueue {
  send(message: ReportJobMessage): Promise<void>;
}

/** The reports queue this function was given. */
export const sqsReportQueue: ReportQueue = { send: (message) => sendToQueue(reportsQueue, message) };

export interface QueuedReport {
  readonly id: string;
  readonly status: string;
}

/**
 * Records a report request (in the audit log too) and queues it. With a `runId` (a scoring run's school report)
 * the request is made once per run: asking again finds it, and sends it again only while
 * it is still queued (the worker renders a request once). A request that cannot be queued
 * is removed again, so none waits for a message that was never sent.
 */
export async function queueReport(
  db: DataApiSession,
  queue: ReportQueue,
  schoolId: string,
  request: ReportRequest,
  requestedBy: string,
  runId?: string,
): Promise<QueuedReport> {
  const { kind, ...scope } = request;
  const [row] = await db.query<QueuedReport & { created: boolean }>(
    `WITH added AS (
       INSERT INTO reports (id, kind, scope, requested_by, run_id)
       VALUES (:id, :kind, :scope, :requestedBy, :runId)
       ON CONFLICT (run_id) DO NOTHING
       RETURNING *),
     ${auditEntry({ action: 'request', entity: 'report', after: 'added', rows: 'one', people: ["scope->>'studentId'"] })}
     SELECT id, status, true AS created FROM added
     UNION ALL
     SELECT id, status, false FROM reports WHERE run_id = :runId AND NOT EXISTS (SELECT 1 FROM added)`,
    { id: typed.uuid(randomUUID()), kind, scope: typed.json(scope), requestedBy, runId: runId ?? null },
  );
  if (row!.status !== 'queued') return { id: row!.id, status: row!.status };
  try {
    await queue.send({ schoolId, reportId: row!.id });
  } catch (error) {
    if (row!.created) {
      await db.execute(`DELETE FROM reports WHERE id = :id AND status = 'queued'`, { id: typed.uuid(row!.id) });
    }
    throw error;
  }
  return { id: row!.id, status: row!.status };
}
