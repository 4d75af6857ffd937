import { currentAcademicYearSql } from '../shared/academic-year';
import { auditEntry } from '../shared/audit-entry';
import type { DataApiSession } from '../shared/data-api';
import { noticeRequestsSql } from '../shared/notification-outbox';

/** School days a student must have on record this year before their attendance rate is judged. */
export const chronicAbsenceMinimumDays = 10;

/** Days after an invoice fell due within which its overdue reminder may still go (a pass missed is made up). */
const overdueWindowDays = 7;

/** SQL (a CTE named `cte`): a reminder of `kind` for each invoice of `reminded` at that stage, once per invoice and stage. */
function feeReminderRequestsSql(cte: string, kind: 'fee-due-soon' | 'fee-overdue'): string {
  return noticeRequestsSql(cte, kind, {
    from: `FROM reminded WHERE stage = '${kind}'`,
    key: 'id',
    payload: "jsonb_build_object('invoiceId', id)",
    studentId: 'student_id',
    onDate: 'due_on',
    requestedBy: ':auditActor',
    returning: 'id, kind, student_id',
  });
}

/** What the day's pass did at a school. */
export interface DailyNotices {
  /** False when it had run today already, or the school's notice time has not come. */
  readonly ran: boolean;
  readonly feeReminders: number;
  readonly chronicAbsence: number;
}

/**
 * The school's daily notices, asked for once its notice time has come in its own time zone
 * (once a local day, however often the pass is started), in one audited statement:
 * - a reminder of each invoice falling due within the school's reminder days, and of each that
 *   fell due in the last week, if it is still unpaid and the student owes something overall
 *   (one per invoice and stage, by the dedupe key: a reminder is never sent twice);
 * - a notice to staff of each student whose attendance this academic year has fallen below the
 *   school's chronic-absence rate (one per student and year).
 * The dispatcher reads the invoice again when it sends, so a payment in between sends nothing.
 */
export async function askForDailyNotices(db: DataApiSession): Promise<DailyNotices> {
  const [row] = await db.query<{ ran: boolean; feeReminders: number; chronicAbsence: number }>(
    `WITH rules AS (
       SELECT n.fee_reminder_days, n.overdue_reminders, n.chronic_absence_notices, s.chronic_absence_rate,
              (now() AT TIME ZONE s.timezone)::date AS today
         FROM notification_settings n CROSS JOIN school_settings s
        WHERE (now() AT TIME ZONE s.timezone)::time >= n.daily_notices_time
          AND n.daily_notices_on IS DISTINCT FROM (now() AT TIME ZONE s.timezone)::date
     ),
     ran AS (
       UPDATE notification_settings SET daily_notices_on = (SELECT today FROM rules)
        WHERE EXISTS (SELECT 1 FROM rules)
       RETURNING daily_notices_on
     ),
     reminded AS (
       SELECT i.id, i.student_id, i.due_on,
              CASE WHEN i.due_on > r.today THEN 'fee-due-soon' ELSE 'fee-overdue' END AS stage
         FROM rules r
         JOIN invoices i
           ON (r.fee_reminder_days > 0 AND i.due_on BETWEEN r.today + 1 AND r.today + r.fee_reminder_days
               AND i.issued_on < r.today)
           OR (r.overdue_reminders AND i.due_on BETWEEN r.today - ${overdueWindowDays} AND r.today - 1)
         JOIN students s ON s.id = i.student_id AND s.status = 'active'
        -- Uncorrelated, so a one-time filter: on the hours the pass has nothing to do, nothing is read.
        WHERE EXISTS (SELECT 1 FROM rules)
          AND i.amount_minor > coalesce((SELECT sum(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id), 0)
          AND coalesce((SELECT sum(amount_minor) FROM invoices WHERE student_id = i.student_id), 0)
            > coalesce((SELECT sum(amount_minor) FROM payments WHERE student_id = i.student_id), 0)
     ),
     ${feeReminderRequestsSql('due_soon_requests', 'fee-due-soon')},
     ${feeReminderRequestsSql('overdue_requests', 'fee-overdue')},
     year AS (${currentAcademicYearSql}),
     below AS (
       SELECT a.student_id, count(*) AS days,
              round(count(*) FILTER (WHERE a.status IN ('present', 'late'))::numeric / count(*), 4) AS rate
         FROM rules r CROSS JOIN year y
         JOIN attendance a ON a.on_date BETWEEN y.starts_on AND r.today
         JOIN students s ON s.id = a.student_id AND s.status = 'active'
        WHERE r.chronic_absence_notices AND EXISTS (SELECT 1 FROM rules)
        GROUP BY a.student_id
       HAVING count(*) >= ${chronicAbsenceMinimumDays}
          AND count(*) FILTER (WHERE a.status IN ('present', 'late'))::numeric / count(*)
            < (SELECT chronic_absence_rate FROM rules)
     ),
     ${noticeRequestsSql('chronic_requests', 'chronic-absence', {
       from: 'FROM below b, year y, rules r',
       key: "b.student_id || '/' || y.id",
       payload: "jsonb_build_object('rate', b.rate, 'threshold', r.chronic_absence_rate, 'days', b.days)",
       studentId: 'b.student_id',
       onDate: 'r.today',
       requestedBy: ':auditActor',
       returning: 'id, kind, student_id',
     })},
     fee_requests AS (SELECT * FROM due_soon_requests UNION ALL SELECT * FROM overdue_requests),
     asked AS (SELECT * FROM fee_requests UNION ALL SELECT * FROM chronic_requests),
     ${auditEntry({ action: 'ask', entity: 'notification', after: 'asked', rows: 'many', people: ['student_id'] })}
     SELECT EXISTS (SELECT 1 FROM ran) AS ran, (SELECT count(*) FROM fee_requests)::int AS "feeReminders",
            (SELECT count(*) FROM chronic_requests)::int AS "chronicAbsence"`,
  );
  return row!;
}
