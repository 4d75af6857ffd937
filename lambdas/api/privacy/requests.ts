import { randomUUID } from 'node:crypto';
import { accessLogAfter } from '../../shared/access-log';
import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, jsonColumn, type SqlValue, typed } from '../../shared/data-api';
import { conflict, HttpError, notFound } from '../../shared/http';
import { logger } from '../../shared/observability';
import {
  exportKeptDays,
  exportLinkSeconds,
  openSql,
  overdueSql,
  type PrivacyJobMessage,
  type PrivacyRequester,
  type PrivacyRequestKind,
  privacyRequestDueDays,
  privacyTransitions,
} from '../../shared/privacy-requests';
import {
  cursorValues,
  guardiansChildOrStaffSql,
  guardiansChildSql,
  isoTimestampSql,
  keysetPage,
} from '../sql-fragments';
import type {
  ErasureRefusal,
  ExportDownload,
  PrivacyRequestListQuery,
  PrivacyRequestPage,
  PrivacyRequestView,
} from './requests.schemas';

/** Where requests go to be carried out: the privacy-requests queue. */
export interface PrivacyQueue {
  send(message: PrivacyJobMessage, delaySeconds?: number): Promise<void>;
}

/** Signs a link to an export's file that works for `seconds`. */
export type ExportLinks = (objectKey: string, fileName: string, seconds: number) => Promise<string>;

/** Who is asking: a school admin, or a guardian (by their sign-in) about their own child. */
export interface PrivacyCaller {
  readonly as: PrivacyRequester;
  readonly userId: string;
}

const guardianSub = (caller: PrivacyCaller) => (caller.as === 'guardian' ? caller.userId : null);

interface RequestRow extends Omit<PrivacyRequestView, 'student' | 'manifest' | 'outcome'> {
  student: string | null;
  manifest: string | null;
  outcome: string | null;
}

const requestColumns = `r.id, r.kind,
  CASE WHEN s.id IS NOT NULL THEN json_build_object('studentId', s.id, 'name', s.given_name || ' ' || s.family_name,
                                                     'admissionNo', s.admission_no)::text END AS student,
  r.status, r.requested_as AS "requestedAs",
  coalesce(st.name, g.name, 'Someone no longer at the school') AS "requestedBy",
  r.requested_by = :auditActor AS mine,
  ${isoTimestampSql('r.requested_at')} AS "requestedAt", r.due_on::text AS "dueOn", ${overdueSql('r')} AS overdue,
  ${isoTimestampSql('r.finished_at')} AS "finishedAt",
  CASE WHEN r.status = 'ready' AND r.object_key IS NOT NULL
       THEN ${isoTimestampSql(`r.finished_at + interval '${exportKeptDays} days'`)} END AS "downloadableUntil",
  ${isoTimestampSql('r.downloaded_at')} AS "downloadedAt", r.size_bytes::int AS "sizeBytes",
  r.manifest::text AS manifest, r.failure,
  CASE WHEN r.decided_by IS NOT NULL THEN coalesce(dst.name, 'Someone no longer at the school') END AS "decidedBy",
  ${isoTimestampSql('r.decided_at')} AS "decidedAt", r.refusal, r.outcome::text AS outcome`;

const requestJoins = `LEFT JOIN students s ON s.id = r.student_id
  LEFT JOIN staff st ON st.user_sub = r.requested_by
  LEFT JOIN guardians g ON g.user_sub = r.requested_by AND st.id IS NULL
  LEFT JOIN staff dst ON dst.user_sub = r.decided_by`;

const view = ({ student, manifest, outcome, ...row }: RequestRow): PrivacyRequestView => ({
  ...row,
  outcome: outcome ? jsonColumn<NonNullable<PrivacyRequestView['outcome']>>(outcome) : null,
  student: student ? jsonColumn<NonNullable<PrivacyRequestView['student']>>(student) : null,
  manifest: manifest ? jsonColumn<NonNullable<PrivacyRequestView['manifest']>>(manifest) : null,
});

async function readRequest(db: DataApiSession, requestId: string): Promise<PrivacyRequestView> {
  const [row] = await db.query<RequestRow>(
    `SELECT ${requestColumns} FROM privacy_requests r ${requestJoins} WHERE r.id = :requestId`,
    { requestId: typed.uuid(requestId) },
  );
  if (!row) throw notFound('The privacy request');
  return view(row);
}

/** Queues a request to be carried out; a message lost on the way is sent again by a retry of the same call. */
async function queueRequest(queue: PrivacyQueue, schoolId: string, requestId: string): Promise<void> {
  try {
    await queue.send({ schoolId, requestId });
  } catch (error) {
    logger.error('privacy request could not be queued', { error });
    throw new HttpError(503, 'UNAVAILABLE', 'The request is recorded but could not be started; send it again.');
  }
}

/**
 * Records a request about a student (audited): an export is queued at once; an erasure waits
 * for a second school admin's approval. A guardian asks only about their own child; one request
 * of a kind about a student is owed to one requester at a time (asking again answers it). The
 * requester's `clientKey` makes it safe to send again: a retry answers the same request, and
 * queues it again while it is still waiting, so a message lost on the way is sent by the retry
 * (the worker carries out a request once, whatever it receives).
 */
export async function requestPrivacyAction(
  db: DataApiSession,
  queue: PrivacyQueue,
  schoolId: string,
  caller: PrivacyCaller,
  request: { kind: PrivacyRequestKind; studentId: string; clientKey: string },
): Promise<PrivacyRequestView> {
  const [row] = await db.query<{
    found: boolean;
    id: string | null;
    studentId: string | null;
    kind: string | null;
    status: string | null;
  }>(
    `WITH target AS (
       SELECT s.id FROM students s WHERE s.id = :studentId AND ${guardiansChildOrStaffSql('s.id', ':guardianActor')}),
     -- The same requester's request of this kind about this student still owed: asking again answers it.
     open_one AS (
       SELECT r.id, r.student_id, r.kind, r.status FROM privacy_requests r
        WHERE r.requested_by = :auditActor AND r.student_id = :studentId AND r.kind = :kind AND ${openSql('r')}
        ORDER BY r.requested_at DESC LIMIT 1),
     same_key AS (
       SELECT id, student_id, kind, status FROM privacy_requests WHERE requested_by = :auditActor AND client_key = :clientKey),
     added AS (
       INSERT INTO privacy_requests (id, kind, status, student_id, requested_by, requested_as, client_key, due_on)
       SELECT :id, :kind, CASE :kind WHEN 'erasure' THEN 'awaiting-approval' ELSE 'queued' END, t.id, :auditActor,
              :requestedAs, :clientKey, current_date + ${privacyRequestDueDays}
         FROM target t WHERE NOT EXISTS (SELECT 1 FROM open_one) AND NOT EXISTS (SELECT 1 FROM same_key)
       ON CONFLICT (requested_by, client_key) DO NOTHING
       RETURNING *),
     ${auditEntry({ action: 'request', entity: 'privacy-request', after: 'added', rows: 'one', people: ['student_id'] })},
     answered AS (
       SELECT 1 AS rank, id, student_id, kind, status FROM added
       UNION ALL SELECT 2, id, student_id, kind, status FROM same_key
       UNION ALL SELECT 3, id, student_id, kind, status FROM open_one)
     SELECT EXISTS (SELECT 1 FROM target) AS found, a.id, a.student_id AS "studentId", a.kind, a.status
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM answered ORDER BY rank LIMIT 1) a ON true`,
    {
      id: typed.uuid(randomUUID()),
      studentId: typed.uuid(request.studentId),
      kind: request.kind,
      guardianActor: guardianSub(caller),
      requestedAs: caller.as,
      clientKey: request.clientKey,
    },
  );
  if (!row?.found) throw notFound('The student');
  if (row.studentId !== request.studentId || row.kind !== request.kind) {
    throw conflict('This clientKey was used for a request about another student.', [
      { path: 'body.clientKey', message: 'was used for another request; send a new one' },
    ]);
  }
  if (row.status === 'queued') await queueRequest(queue, schoolId, row.id!);
  return readRequest(db, row.id!);
}

/**
 * A second school admin approves an erasure (never the admin who asked for it: 403), which
 * queues it; approving again (a retry) queues it again while it waits, and otherwise answers it.
 */
export async function approveErasure(
  db: DataApiSession,
  queue: PrivacyQueue,
  schoolId: string,
  requestId: string,
): Promise<PrivacyRequestView> {
  const [row] = await db.query<{ kind: string; status: string; mine: boolean }>(
    `WITH ${privacyTransitions.approved()},
     ${auditEntry({ action: 'approve', entity: 'privacy-request', after: 'moved', rows: 'one', people: ['student_id'] })}
     SELECT r.kind, coalesce(m.status, r.status) AS status, r.requested_by = :auditActor AS mine
       FROM privacy_requests r LEFT JOIN moved m ON m.id = r.id WHERE r.id = :requestId`,
    { requestId: typed.uuid(requestId) },
  );
  if (!row) throw notFound('The privacy request');
  if (row.kind !== 'erasure') throw conflict('Only an erasure is approved; an export is carried out when asked.');
  if (row.status === 'awaiting-approval' && row.mine) {
    throw new HttpError(403, 'FORBIDDEN', 'Another school admin must approve an erasure you asked for.');
  }
  if (row.status === 'refused') throw conflict('This erasure was refused; it cannot be approved now.');
  if (row.status === 'queued') await queueRequest(queue, schoolId, requestId);
  return readRequest(db, requestId);
}

/** A school admin refuses an erasure, with the reason the family is told; refusing again answers the same. */
export async function refuseErasure(
  db: DataApiSession,
  requestId: string,
  refusal: ErasureRefusal,
): Promise<PrivacyRequestView> {
  const [row] = await db.query<{ kind: string; status: string }>(
    `WITH ${privacyTransitions.refused()},
     ${auditEntry({ action: 'refuse', entity: 'privacy-request', after: 'moved', rows: 'one', people: ['student_id'] })}
     SELECT r.kind, coalesce(m.status, r.status) AS status
       FROM privacy_requests r LEFT JOIN moved m ON m.id = r.id WHERE r.id = :requestId`,
    { requestId: typed.uuid(requestId), refusal: refusal.reason },
  );
  if (!row) throw notFound('The privacy request');
  if (row.kind !== 'erasure') throw conflict('Only an erasure can be refused.');
  if (row.status !== 'refused') throw conflict(`This erasure is ${row.status}: it can no longer be refused.`);
  return readRequest(db, requestId);
}

/** The requests of the school (admins), newest first, or only those still owed or overdue. */
export async function listPrivacyRequests(
  db: DataApiSession,
  query: PrivacyRequestListQuery,
): Promise<PrivacyRequestPage> {
  const params: Record<string, SqlValue> = {
    limit: query.limit + 1,
    status: query.status ?? null,
    studentId: query.studentId ? typed.uuid(query.studentId) : null,
  };
  let after = '';
  if (query.cursor) {
    const [at, id] = cursorValues(query.cursor, 2);
    after = 'AND (r.requested_at, r.id) < (:at::timestamptz, :afterId)';
    Object.assign(params, { at: String(at), afterId: typed.uuid(String(id)) });
  }
  const rows = await db.query<RequestRow & { at: string }>(
    `SELECT ${requestColumns}, r.requested_at::text AS at FROM privacy_requests r ${requestJoins}
      WHERE (CAST(:studentId AS uuid) IS NULL OR r.student_id = CAST(:studentId AS uuid))
        AND CASE CAST(:status AS text) WHEN 'open' THEN ${openSql('r')}
                                      WHEN 'overdue' THEN ${overdueSql('r')}
                                      ELSE CAST(:status AS text) IS NULL OR r.status = CAST(:status AS text) END
        ${after}
      ORDER BY r.requested_at DESC, r.id DESC LIMIT :limit`,
    params,
  );
  const page = keysetPage(rows, query.limit, (last) => [last.at, last.id]);
  return { items: page.items.map(({ at: _at, ...row }) => view(row)), nextCursor: page.nextCursor };
}

/** A guardian's own requests about their child, newest first (not found: not their child). */
export async function listChildPrivacyRequests(db: DataApiSession, studentId: string): Promise<PrivacyRequestPage> {
  const rows = await db.query<{ found: boolean } & Partial<RequestRow>>(
    `SELECT ${guardiansChildSql(':studentId', ':auditActor')} AS found, mine.*
       FROM (SELECT 1) one
       LEFT JOIN LATERAL (
         SELECT ${requestColumns} FROM privacy_requests r ${requestJoins}
          WHERE r.student_id = :studentId AND r.requested_by = :auditActor
          ORDER BY r.requested_at DESC, r.id DESC LIMIT 50) mine ON true`,
    { studentId: typed.uuid(studentId) },
  );
  if (!rows[0]?.found) throw notFound('The student');
  const items = rows.filter((row): row is { found: boolean } & RequestRow => Boolean(row.id));
  return { items: items.map(({ found: _found, ...row }) => view(row)), nextCursor: null };
}

export async function getPrivacyRequest(db: DataApiSession, requestId: string): Promise<PrivacyRequestView> {
  return readRequest(db, requestId);
}

/**
 * The one download of a finished export, for whoever asked for it (a guardian, only about their
 * own child). Handing out the link marks the request downloaded and logs the disclosure, in one
 * statement; the link works for a few minutes, then the file is removed. Asking again: 410.
 */
export async function downloadExport(
  db: DataApiSession,
  links: ExportLinks,
  queue: PrivacyQueue,
  schoolId: string,
  requestId: string,
  guardianChild?: string,
): Promise<ExportDownload> {
  const [row] = await db.query<{
    objectKey: string | null;
    admissionNo: string | null;
    status: string | null;
    mine: boolean | null;
    expired: boolean | null;
  }>(
    `WITH asked AS (
       SELECT r.* FROM privacy_requests r
        WHERE r.id = :requestId AND r.kind = 'export'
          AND (CAST(:childId AS uuid) IS NULL OR r.student_id = CAST(:childId AS uuid))),
     fetchable AS (
       SELECT a.id FROM asked a
        WHERE a.status = 'ready' AND a.object_key IS NOT NULL AND a.requested_by = :auditActor
          AND a.finished_at > now() - interval '${exportKeptDays} days'),
     ${privacyTransitions.downloaded('(SELECT id FROM fetchable)')},
     ${auditEntry({ action: 'download', entity: 'privacy-request', after: 'moved', rows: 'one', people: ['student_id'] })}${accessLogAfter(
       db,
       'export',
       { studentId: guardianChild ?? `of privacy request ${requestId}`, sql: '(SELECT student_id FROM moved)' },
     )}
     SELECT m.object_key AS "objectKey", s.admission_no AS "admissionNo", a.status,
            a.requested_by = :auditActor AS mine,
            a.finished_at <= now() - interval '${exportKeptDays} days' AS expired
       FROM (SELECT 1) one
       LEFT JOIN asked a ON true
       LEFT JOIN moved m ON true
       LEFT JOIN students s ON s.id = a.student_id`,
    { requestId: typed.uuid(requestId), childId: guardianChild ? typed.uuid(guardianChild) : null },
  );
  if (!row?.status || row.mine === false) throw notFound('The privacy request');
  if (!row.objectKey) {
    if (row.status === 'downloaded' || row.expired) {
      throw new HttpError(410, 'GONE', 'This export was downloaded once already, or has expired; ask for a new one.');
    }
    throw conflict('The export is not ready yet.');
  }
  const fileName = `student-data-${row.admissionNo ?? 'export'}.zip`;
  const url = await links(row.objectKey, fileName, exportLinkSeconds);
  // The file goes once its link has expired; the bucket's lifecycle removes it too, should this be lost.
  await queue
    .send({ schoolId, requestId, task: 'remove-file' }, exportLinkSeconds + 60)
    .catch((error: unknown) => logger.error('the removal of a downloaded export could not be queued', { error }));
  return { url, expiresAt: new Date(Date.now() + exportLinkSeconds * 1000).toISOString(), fileName };
}
