import type { Migration } from './migration';

/**
 * The school's retention policy (lambdas/shared/retention-policy.ts): years each kind of record
 * is kept after a student leaves, set by the school admin; no row, or no years, keeps the kind.
 * Each nightly application is reported (what it removed, by kind), whether it removed anything.
 */
export const retentionPolicy: Migration = {
  version: 16,
  name: 'retention policy',
  statements: [
    `CREATE TABLE retention_policy (
      kind text PRIMARY KEY CHECK (kind IN ('attendance', 'grades', 'fees', 'notifications', 'access-log')),
      keep_years smallint CHECK (keep_years BETWEEN 0 AND 100),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE retention_runs (
      run_id text PRIMARY KEY,
      ran_at timestamptz NOT NULL DEFAULT now(),
      removed jsonb NOT NULL
    )`,
    `CREATE INDEX retention_runs_recent ON retention_runs (ran_at DESC)`,
    // A family's messages by recipient, whatever the channel: what a leaver's guardian was sent.
    `CREATE INDEX notification_messages_recipient ON notification_messages (recipient_id)`,
  ],
};
