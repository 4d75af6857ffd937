import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { type DataApiSession, typed } from './data-api';
import { sendToQueue } from './queue-messages';
import { reportsQueue } from './queues';

/**
 * PDF reports: what a school asks for, what the reports worker reads, and where the file
 * goes. The API queues requests from people; the scoring run queues each school's
 * analytics report itself.
 */
export const reportKinds = ['report-cards', 'school-analytics', 'fee-statement'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportRequest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('report-cards'),
      termId: z.uuid(),
      /** One student's card, or a page for each student of a class. */
      studentId: z.uuid().optional(),
      classId: z.uuid().optional(),
    })
    .strict()
    .refine((scope) => (scope.studentId === undefined) !== (scope.classId === undefined), {
      message: 'give either studentId or classId',
      path: ['studentId'],
    }),
  z.object({ kind: z.literal('school-analytics') }).strict(),
  z.object({ kind: z.literal('fee-statement'), studentId: z.uuid() }).strict(),
]);
export type ReportRequest = z.infer<typeof reportRequest>;

/** The message on the reports queue: which request of which school. */
export const reportJobMessage = z.object({ schoolId: z.string().min(1), reportId: z.uuid() }).strict();
export type ReportJobMessage = z.infer<typeof reportJobMessage>;

/** Where a report lives in the reports bucket: under its school, so a school's objects go together. */
export function reportObjectKey(schoolId: string, reportId: string, kind: ReportKind): string {
  return `schools/${schoolId}/reports/${reportId}/${kind}.pdf`;
}

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
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, after)
       SELECT :requestedBy, 'request', 'report', id::text, to_jsonb(added) FROM added)
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
