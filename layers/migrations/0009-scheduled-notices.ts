import type { Migration } from './migration';

/**
 * The notices a school's calendar causes rather than a write: an invoice's reminder some days
 * before it falls due and the day after if it is still unpaid, and a student's attendance
 * falling below the chronic-absence rate. A daily pass asks for them once the school's notice
 * time has come in its own time zone (`daily_notices_on` records the local day it last ran, so it
 * runs once a day however often it is started); each notice's dedupe key makes it one per
 * invoice and stage, or one per student and academic year. An invoice issued, and a student the
 * scoring run newly puts at risk, are told by the writes themselves.
 */
export const scheduledNotices: Migration = {
  version: 9,
  name: 'scheduled notices',
  statements: [
    `ALTER TABLE notification_settings
       ADD COLUMN invoice_notices boolean NOT NULL DEFAULT true,
       -- Days before an invoice falls due that its reminder goes; 0 sends none.
       ADD COLUMN fee_reminder_days integer NOT NULL DEFAULT 3 CHECK (fee_reminder_days BETWEEN 0 AND 30),
       ADD COLUMN overdue_reminders boolean NOT NULL DEFAULT true,
       ADD COLUMN chronic_absence_notices boolean NOT NULL DEFAULT true,
       ADD COLUMN risk_notices boolean NOT NULL DEFAULT true,
       -- The school's local time of day the daily pass asks for reminders and notices.
       ADD COLUMN daily_notices_time time NOT NULL DEFAULT '09:00',
       ADD COLUMN daily_notices_on date`,
    // The daily pass finds the invoices whose reminder day is today.
    `CREATE INDEX invoices_due_on ON invoices (due_on)`,
    // What was asked about a student lately (a notice of the same kind is not repeated within weeks).
    `CREATE INDEX notification_requests_student ON notification_requests (student_id, kind, created_at)
       WHERE student_id IS NOT NULL`,
    `CREATE INDEX payments_invoice ON payments (invoice_id) WHERE invoice_id IS NOT NULL`,
  ],
};
