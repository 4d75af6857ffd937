import { type DataApiSession, type SqlValue, typed } from '../../shared/data-api';
import { forbidden, notFound } from '../../shared/http';
import { queueReport, type ReportQueue, type ReportRequest } from '../../shared/report-jobs';
import type { Role } from '../../shared/roles';
import { myClassesSql } from '../class-access';
import { cursorValues, keysetPage } from '../sql-fragments';
import type { ReportView } from './report.schemas';

/** Who asks for or reads reports. */
export interface ReportCaller {
  readonly userId: string;
  readonly roles: readonly Role[];
}

/** Makes a download link for a finished report's file. */
export type DownloadLinks = (objectKey: string, fileName: string) => Promise<string>;

const is = (caller: ReportCaller, role: Role) => caller.roles.includes(role);

/** The kinds each role may ask for; a school admin any. */
function mayAskFor(caller: ReportCaller, request: ReportRequest): boolean {
  if (is(caller, 'school-admin')) return true;
  if (request.kind === 'report-cards') return is(caller, 'teacher') || (is(caller, 'guardian') && !!request.studentId);
  if (request.kind === 'fee-statement') return is(caller, 'bursar') || is(caller, 'guardian');
  return false;
}

/**
 * Whether the request's scope exists and is the caller's to ask for (one round trip): a
 * teacher's class or a student of it (home-room or assigned), a guardian's own child.
 */
async function checkScope(db: DataApiSession, caller: ReportCaller, request: ReportRequest): Promise<void> {
  const termId = request.kind === 'report-cards' ? request.termId : null;
  const classId = request.kind === 'report-cards' ? (request.classId ?? null) : null;
  const studentId = request.kind === 'school-analytics' ? null : (request.studentId ?? null);
  const [row] = await db.query<{ exists: boolean; allowed: boolean }>(
    `WITH target AS (
       SELECT coalesce(:classId::uuid, (SELECT class_id FROM students WHERE id = :studentId::uuid)) AS class_id)
     SELECT (:termId::uuid IS NULL OR EXISTS (SELECT 1 FROM terms WHERE id = :termId::uuid))
            AND (:classId::uuid IS NULL OR EXISTS (SELECT 1 FROM classes WHERE id = :classId::uuid))
            AND (:studentId::uuid IS NULL OR EXISTS (SELECT 1 FROM students WHERE id = :studentId::uuid)) AS exists,
            CASE
              WHEN :isAdmin OR :isBursar AND :studentId::uuid IS NOT NULL AND :kind = 'fee-statement' THEN true
              WHEN :isGuardian THEN EXISTS (
                SELECT 1 FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                 WHERE sg.student_id = :studentId::uuid AND g.user_sub = :actor)
              WHEN :isTeacher THEN EXISTS (SELECT 1 FROM target WHERE target.class_id IN (${myClassesSql}))
              ELSE false
            END AS allowed`,
    {
      actor: caller.userId,
      kind: request.kind,
      termId: termId ? typed.uuid(termId) : null,
      classId: classId ? typed.uuid(classId) : null,
      studentId: studentId ? typed.uuid(studentId) : null,
      isAdmin: is(caller, 'school-admin'),
      isBursar: is(caller, 'bursar'),
      isGuardian: is(caller, 'guardian') && !is(caller, 'school-admin'),
      isTeacher: is(caller, 'teacher'),
    },
  );
  // A guardian learns nothing of students not theirs: not found, as for one that does not exist.
  if (!row!.exists || (!row!.allowed && is(caller, 'guardian'))) throw notFound('What the report covers');
  if (!row!.allowed) throw forbidden('You may not ask for this report.');
}

const reportColumns = `r.id, r.kind, r.scope::text AS scope, r.status, r.requested_by AS "requestedBy",
  r.requested_at::text AS "requestedAt", r.finished_at::text AS "finishedAt", r.pages, r.failure,
  r.object_key AS "objectKey"`;

interface ReportRow extends Omit<ReportView, 'scope' | 'downloadUrl'> {
  scope: string;
  objectKey: string | null;
}

const view = ({ objectKey: _key, scope, ...row }: ReportRow, downloadUrl?: string): ReportView => ({
  ...row,
  scope: JSON.parse(scope) as Record<string, string>,
  ...(downloadUrl ? { downloadUrl } : {}),
});

/** Checks and queues a report request (two round trips); the worker renders it. */
export async function requestReport(
  db: DataApiSession,
  queue: ReportQueue,
  schoolId: string,
  caller: ReportCaller,
  request: ReportRequest,
): Promise<ReportView> {
  if (!mayAskFor(caller, request)) throw forbidden(`You may not ask for a ${request.kind} report.`);
  await checkScope(db, caller, request);
  const queued = await queueReport(db, queue, schoolId, request, caller.userId);
  const { kind, ...scope } = request;
  return {
    id: queued.id,
    kind,
    scope: scope,
    status: 'queued',
    requestedBy: caller.userId,
    requestedAt: new Date().toISOString(),
    finishedAt: null,
    pages: null,
    failure: null,
  };
}

/** A school admin sees every report request; anyone else their own. */
const visibleTo = `(:isAdmin OR r.requested_by = :actor)`;

export async function listReports(
  db: DataApiSession,
  caller: ReportCaller,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: ReportView[]; nextCursor: string | null }> {
  const params: Record<string, SqlValue> = {
    limit: query.limit + 1,
    isAdmin: is(caller, 'school-admin'),
    actor: caller.userId,
  };
  let after = '';
  if (query.cursor) {
    const [at, id] = cursorValues(query.cursor, 2);
    after = 'AND (r.requested_at, r.id) < (:at::timestamptz, :afterId)';
    Object.assign(params, { at: String(at), afterId: typed.uuid(String(id)) });
  }
  const rows = await db.query<ReportRow>(
    `SELECT ${reportColumns} FROM reports r WHERE ${visibleTo} ${after}
      ORDER BY r.requested_at DESC, r.id DESC LIMIT :limit`,
    params,
  );
  const page = keysetPage(rows, query.limit, (last) => [last.requestedAt, last.id]);
  return { items: page.items.map((row) => view(row)), nextCursor: page.nextCursor };
}

/** One report request; when done, with a fresh download link. */
export async function getReport(
  db: DataApiSession,
  links: DownloadLinks,
  caller: ReportCaller,
  reportId: string,
): Promise<ReportView> {
  const [row] = await db.query<ReportRow>(`SELECT ${reportColumns} FROM reports r WHERE r.id = :id AND ${visibleTo}`, {
    id: typed.uuid(reportId),
    isAdmin: is(caller, 'school-admin'),
    actor: caller.userId,
  });
  if (!row) throw notFound('The report');
  if (row.status !== 'done' || !row.objectKey) return view(row);
  return view(row, await links(row.objectKey, `${row.kind}-${row.requestedAt.slice(0, 10)}.pdf`));
}
