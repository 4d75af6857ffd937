import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { type NotificationKindName, notificationKinds } from './notification-kinds';
import { logger } from './observability';
import { notificationDueQueue, queueUrl } from './queues';

/**
 * The transactional outbox of notifications, as the writes that cause them use it: SQL that
 * inserts a write's notification requests in the write's own statement (so a rolled-back
 * write asks for nothing, and a committed one is never lost), and the wake-up that tells the
 * dispatcher when they fall due.
 */

/**
 * SQL (CTEs, the last named `alerts_requested` with each request's `due_at`) asking for an
 * absence alert to a student's guardians for every mark of `marksCte` (rows with `student_id`,
 * `on_date`, `class_id`, `status`) that is an absence (or a lateness, if the school alerts
 * on those) of today in the school's time zone, due once the school's grace time has passed.
 * One request per student and day: a saved again, corrected or retried register asks for
 * nothing more, and the dispatcher reads the mark again when the request falls due, so a
 * correction in the meantime sends nothing. A request cancelled that way is asked for again
 * if the student is marked absent anew. `:actor` is who marked.
 */
export function absenceAlertRequests(marksCte: string): string {
  return `alert_rules AS (
      SELECT n.alert_on_late, n.absence_grace, n.absence_grace_minutes, n.absence_alert_time, s.timezone
        FROM notification_settings n CROSS JOIN school_settings s
       WHERE n.absence_alerts
    ),
    alerts_requested AS (
      INSERT INTO notification_requests
             (kind, category, urgency, dedupe_key, student_id, on_date, payload, due_at, requested_by)
      SELECT 'absence-alert', 'absence', 'urgent', 'absence-alert/' || m.student_id || '/' || m.on_date,
             m.student_id, m.on_date, jsonb_build_object('classId', m.class_id, 'markedBy', :actor::text),
             CASE r.absence_grace
               WHEN 'at-time' THEN greatest(now(), (m.on_date + r.absence_alert_time) AT TIME ZONE r.timezone)
               ELSE now() + make_interval(mins => r.absence_grace_minutes)
             END,
             :actor::text
        FROM ${marksCte} m CROSS JOIN alert_rules r
       WHERE (m.status = 'absent' OR (m.status = 'late' AND r.alert_on_late))
         AND m.on_date = (now() AT TIME ZONE r.timezone)::date
      ON CONFLICT (dedupe_key) DO UPDATE
         SET status = 'pending', due_at = excluded.due_at, outcome = NULL, payload = excluded.payload
       WHERE notification_requests.status = 'cancelled'
      RETURNING due_at
    )`;
}

/** A write's notification requests, each part an SQL expression over the rows of `from`. */
export interface NoticeRequests {
  /** The rows asked about (`FROM … WHERE …`), or only `WHERE …` for one request of constants. */
  readonly from: string;
  /** What makes two requests the same, after the kind's name: one per student and day, per invoice… */
  readonly key: string;
  readonly payload: string;
  /** Who asked: the write's actor. */
  readonly requestedBy: string;
  readonly studentId?: string;
  readonly onDate?: string;
  /** @default now() */
  readonly dueAt?: string;
  /** What the CTE returns of each request it made. @default id */
  readonly returning?: string;
}

/**
 * SQL (a CTE named `cte`) asking, in the write's own statement, for a notification of `kind`
 * per row: its category and urgency are the kind's own, its dedupe key the kind and `key`, so a
 * retried or repeated write asks for nothing more.
 */
export function noticeRequestsSql(cte: string, kind: NotificationKindName, requests: NoticeRequests): string {
  const { category, urgency } = notificationKinds[kind];
  return `${cte} AS (
    INSERT INTO notification_requests
           (kind, category, urgency, dedupe_key, payload, student_id, on_date, due_at, requested_by)
    SELECT '${kind}', '${category}', '${urgency}', '${kind}/' || ${requests.key}, ${requests.payload},
           ${requests.studentId ?? 'NULL'}, ${requests.onDate ?? 'NULL'}, ${requests.dueAt ?? 'now()'}, ${requests.requestedBy}
      ${requests.from}
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING ${requests.returning ?? 'id'}
  )`;
}

/**
 * SQL (a CTE named `invitation`): the invitation e-mail to the person a write just gave an
 * account, from the rows of `changed` (a staff member's or a guardian's). One per person: an
 * invitation asked again (a retried write) is the same request.
 */
export function invitationRequestSql(personKind: 'staff' | 'guardian'): string {
  return noticeRequestsSql('invitation', 'invitation', {
    from: 'FROM changed',
    key: 'changed.id::text',
    payload: `jsonb_build_object('personId', changed.id, 'personKind', '${personKind}', 'role', ${
      personKind === 'staff' ? 'changed.role' : "'guardian'"
    })`,
    requestedBy: ':auditActor',
  });
}

/**
 * SQL (a scalar subquery): the text messages counted against this month's budget (those queued,
 * being sent or sent since the first of the month in the school's time zone).
 */
export const smsThisMonthSql = `(SELECT count(*) FROM notification_messages m, school_settings s
   WHERE m.channel = 'sms' AND m.status IN ('queued', 'sending', 'sent', 'delivered')
     AND m.queued_at >= date_trunc('month', now() AT TIME ZONE s.timezone) AT TIME ZONE s.timezone)::int`;

/** What the dispatcher is woken with: a school has notification requests due at a time. */
export const dispatchWakeUp = z
  .object({
    schoolId: z.string().min(1),
    dueAt: z.iso.datetime({ offset: true }),
  })
  .strict();
export type DispatchWakeUp = z.infer<typeof dispatchWakeUp>;

/** SQS holds a message back at most 15 minutes. */
const maxDelaySeconds = 900;

let sqs: SQSClient | undefined;

/**
 * Tells the dispatcher that a school's requests fall due at `dueAt`: a message delayed until
 * then (or by 15 minutes, after which the dispatcher sends it on). Never fails the write that
 * asked: the minute sweep dispatches what a lost wake-up leaves due.
 */
export async function wakeDispatcherAt(message: DispatchWakeUp, now = new Date()): Promise<void> {
  const wait = Math.ceil((new Date(message.dueAt).getTime() - now.getTime()) / 1000);
  try {
    await (sqs ??= new SQSClient({})).send(
      new SendMessageCommand({
        QueueUrl: queueUrl(notificationDueQueue),
        MessageBody: JSON.stringify(dispatchWakeUp.parse(message)),
        DelaySeconds: Math.min(maxDelaySeconds, Math.max(0, wait)),
      }),
    );
  } catch (error) {
    logger.warn('the notification dispatcher could not be woken; the minute sweep will dispatch', { error });
  }
}
