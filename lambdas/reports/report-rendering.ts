import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, typed } from '../shared/data-api';
import { noticeRequestsSql, wakeDispatcherAt } from '../shared/notification-outbox';
import { reportObjectKey, reportRequest } from '../shared/report-requests';
import { readFeeStatement, readReportCards, readSchoolAnalytics, readSchoolHeader } from './report-data';
import { type RenderedReport, renderFeeStatement, renderReportCards, renderSchoolAnalytics } from './report-pdfs';

/** Where reports go; the reports bucket on AWS and locally. */
export interface ReportStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

/** A request whose scope no longer exists (a term or student removed): failed at once, not retried. */
export class ReportScopeError extends Error {
  override readonly name = 'ReportScopeError';
}

async function render(db: DataApiSession, request: ReturnType<typeof reportRequest.parse>): Promise<RenderedReport> {
  const school = await readSchoolHeader(db);
  const today = new Date().toISOString().slice(0, 10);
  switch (request.kind) {
    case 'report-cards': {
      const cards = await readReportCards(db, request);
      if (!cards) throw new ReportScopeError('The term no longer exists.');
      return renderReportCards(school, cards);
    }
    case 'school-analytics':
      return renderSchoolAnalytics(school, await readSchoolAnalytics(db, school.atRiskThreshold), today);
    case 'fee-statement': {
      const statement = await readFeeStatement(db, request.studentId);
      if (!statement) throw new ReportScopeError('The student no longer exists.');
      return renderFeeStatement(school, statement, today);
    }
  }
}

/** Who the report worker's audit entries name. */
export const reportWorkerActor = 'report-worker';

/**
 * Renders one requested report: claims it (queued, or left running by an attempt that
 * stopped), reads its data, renders the PDF, puts it in the store and marks it done. A
 * request already done or failed is left alone, so a message delivered twice renders once.
 */
export async function runReport(
  db: DataApiSession,
  store: ReportStore,
  schoolId: string,
  reportId: string,
): Promise<{ outcome: 'written' | 'skipped'; pages?: number; bytes?: number }> {
  const [claimed] = await db.query<{ request: string }>(
    `UPDATE reports SET status = 'running', started_at = coalesce(started_at, now())
      WHERE id = :id AND status IN ('queued', 'running')
      RETURNING (scope || jsonb_build_object('kind', kind))::text AS request`,
    { id: typed.uuid(reportId) },
  );
  if (!claimed) return { outcome: 'skipped' };
  const request = reportRequest.parse(JSON.parse(claimed.request));
  let rendered: RenderedReport;
  try {
    rendered = await render(db, request);
  } catch (error) {
    if (error instanceof ReportScopeError) {
      await failReport(db, reportId, error.message);
      return { outcome: 'skipped' };
    }
    throw error;
  }
  const key = reportObjectKey(schoolId, reportId, request.kind);
  await store.put(key, rendered.pdf, 'application/pdf');
  // Done, and the requester told, in one statement: a notice for a report that is not done is never sent.
  const [finished] = await db.as({ actor: reportWorkerActor, requestId: reportId }).query<{ asked: number }>(
    `WITH done AS (
       UPDATE reports SET status = 'done', object_key = :key, pages = :pages, finished_at = now()
        WHERE id = :id AND status = 'running'
       RETURNING id, kind, pages, requested_by
     ),
     ${noticeRequestsSql('asked', 'report-ready', {
       from: 'FROM done',
       key: 'id',
       payload: "jsonb_build_object('report', kind, 'reportId', id)",
       requestedBy: 'requested_by',
     })},
     ${auditEntry({ action: 'complete', entity: 'report', entityId: '(SELECT id::text FROM done)', after: 'done', rows: 'one' })}
     SELECT (SELECT count(*) FROM asked)::int AS asked`,
    { id: typed.uuid(reportId), key, pages: rendered.pages },
  );
  if (finished?.asked) await wakeDispatcherAt({ schoolId, dueAt: new Date().toISOString() });
  return { outcome: 'written', pages: rendered.pages, bytes: rendered.pdf.length };
}

/** Records that a report cannot be made, with a reason the requester can read. */
export async function failReport(db: DataApiSession, reportId: string, reason: string): Promise<void> {
  await db.execute(
    `UPDATE reports SET status = 'failed', failure = :reason, finished_at = now()
      WHERE id = :id AND status IN ('queued', 'running')`,
    { id: typed.uuid(reportId), reason },
  );
}
