import type { Migration } from './migration';

/**
 * How long a school keeps what its messages said. A message's wording names the student and its
 * address is a guardian's: after the school's retention (a year unless it says otherwise) the
 * subject, body and address are removed, and `purged_at` says when. What was sent to whom, on
 * which channel and with what outcome stays, as the audit log does.
 */
export const messageRetention: Migration = {
  version: 8,
  name: 'message retention',
  statements: [
    `ALTER TABLE notification_settings
       ADD COLUMN message_retention_days integer NOT NULL DEFAULT 365
         CHECK (message_retention_days BETWEEN 30 AND 3650)`,
    `ALTER TABLE notification_messages ADD COLUMN purged_at timestamptz`,
    // The purge finds what is due by age among the messages not yet purged.
    `CREATE INDEX notification_messages_unpurged ON notification_messages (queued_at) WHERE purged_at IS NULL`,
  ],
};
