import * as z from 'zod';
import { privacyRequestsQueue } from './queues';

/**
 * Data-subject requests about a student (GDPR articles 15, 17 and 20; FERPA's right to inspect):
 * what the API records and queues, and what the privacy worker reads. Every change of a
 * request's status is one of the statements here, so the API and the worker cannot disagree
 * on what a status means.
 */
export const privacyRequestKinds = ['export', 'erasure'] as const;
export type PrivacyRequestKind = (typeof privacyRequestKinds)[number];

/**
 * An export: queued → running → ready → downloaded (failed when it cannot be written); `ready`
 * holds the encrypted file until its one download. An erasure: awaiting-approval → queued (a
 * second school admin approved it) or refused → running → done.
 */
export const privacyRequestStatuses = [
  'awaiting-approval',
  'refused',
  'queued',
  'running',
  'ready',
  'downloaded',
  'done',
  'failed',
] as const;
export type PrivacyRequestStatus = (typeof privacyRequestStatuses)[number];

/** Still owed to the family: counts against the due date. */
export const openPrivacyStatuses: readonly PrivacyRequestStatus[] = ['awaiting-approval', 'queued', 'running'];

/** Who asked: a guardian in the portal, or a school admin (for a family, or on paper). */
export const privacyRequesters = ['guardian', 'school-admin'] as const;
export type PrivacyRequester = (typeof privacyRequesters)[number];

/** Days a school has to answer (GDPR article 12(3): one month). */
export const privacyRequestDueDays = 30;

/** How long the one download link works. */
export const exportLinkSeconds = 5 * 60;

/** Days a finished export waits for its download before it is removed. */
export const exportKeptDays = 7;

/** The message the API sends to the privacy queue: produce this request's file, or remove it once downloaded. */
export const privacyJobMessage = z
  .object({
    schoolId: z.string().min(1),
    requestId: z.uuid(),
    /** `remove-file`: the one download link has expired; the file goes. @default produce */
    task: z.enum(['produce', 'remove-file']).default('produce'),
  })
  .strict();
export type PrivacyJobMessage = z.input<typeof privacyJobMessage>;

/** Where an export's archive lives in the exports bucket: under its school, beside the school's CSV exports. */
export function privacyExportKey(schoolId: string, requestId: string): string {
  return `schools/${schoolId}/privacy/${requestId}/student-data.zip`;
}

/** SQL (boolean): whether the request `r` (an alias of privacy_requests) is still owed. */
export const openSql = (r: string) => `${r}.status IN (${openPrivacyStatuses.map((s) => `'${s}'`).join(', ')})`;

/** SQL (boolean): whether the request `r` (an alias of privacy_requests) is past its due date and still owed. */
export const overdueSql = (r: string) => `(${openSql(r)} AND ${r}.due_on < current_date)`;

/**
 * The statements that move a request between statuses, each conditional on the status it
 * leaves, so a repeated message or request changes nothing twice. Each is a CTE named `moved`
 * returning the request's row, to be audited in the same statement; `request` is SQL of the
 * request's id (a parameter, or a query of one).
 */
export const privacyTransitions = {
  /**
   * The worker takes a queued request, or one an attempt left running for longer than the queue
   * lets an attempt run (it crashed): a second message about a request in work takes nothing.
   */
  start: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'running', started_at = now()
       WHERE id = ${request}
         AND (status = 'queued' OR (status = 'running' AND started_at < now() - interval '${privacyRequestsQueue.visibilityTimeoutSeconds} seconds'))
       RETURNING *)`,
  /** The worker has stored the file (`:objectKey`, `:manifest`, `:sizeBytes`). */
  ready: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'ready', finished_at = now(), object_key = :objectKey,
             manifest = :manifest, size_bytes = :sizeBytes, failure = NULL
       WHERE id = ${request} AND status = 'running' RETURNING *)`,
  /** The worker gave up on its last attempt (`:failure`, a reason). */
  failed: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'failed', finished_at = now(), failure = :failure
       WHERE id = ${request} AND status IN ('queued', 'running') RETURNING *)`,
  /** A school admin other than the requester approved an erasure: it is queued to be carried out. */
  approved: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'queued', decided_by = :auditActor, decided_at = now()
       WHERE id = ${request} AND kind = 'erasure' AND status = 'awaiting-approval' AND requested_by <> :auditActor
       RETURNING *)`,
  /** A school admin refused an erasure (`:refusal`, the reason the family is given). */
  refused: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'refused', decided_by = :auditActor, decided_at = now(),
             refusal = :refusal, finished_at = now()
       WHERE id = ${request} AND kind = 'erasure' AND status = 'awaiting-approval' RETURNING *)`,
  /** The worker carried out the erasure and removed what it left outside the database. */
  done: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'done', finished_at = now(), pending = NULL, failure = NULL
       WHERE id = ${request} AND status = 'running' RETURNING *)`,
  /** The one download link was handed out, to whoever asked: never again. */
  downloaded: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET status = 'downloaded', downloaded_at = now()
       WHERE id = ${request} AND status = 'ready' AND requested_by = :auditActor RETURNING *)`,
  /** The file is gone (downloaded and its link expired, or never fetched in time): nothing points at it. */
  fileRemoved: (request = ':requestId') => `moved AS (
      UPDATE privacy_requests SET object_key = NULL
       WHERE id = ${request} AND object_key IS NOT NULL AND status IN ('ready', 'downloaded') RETURNING *)`,
} as const;
