import type { Migration } from './migration';

/**
 * Data-subject requests (lambdas/shared/privacy-requests.ts): a family's or an admin's request
 * for a student's data, with its due date, progress and the one file it produced (with a
 * manifest of what is in it). An export's download is a read of the student's record: the
 * access log takes it as its own part.
 */
export const privacyRequests: Migration = {
  version: 15,
  name: 'privacy requests',
  statements: [
    `CREATE TABLE privacy_requests (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('export', 'erasure')),
      student_id uuid REFERENCES students (id),
      status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'ready', 'downloaded', 'failed')),
      requested_by text NOT NULL,
      requested_as text NOT NULL CHECK (requested_as IN ('guardian', 'school-admin')),
      client_key text NOT NULL CHECK (length(client_key) BETWEEN 8 AND 100),
      requested_at timestamptz NOT NULL DEFAULT now(),
      due_on date NOT NULL,
      started_at timestamptz,
      finished_at timestamptz,
      object_key text,
      manifest jsonb,
      size_bytes bigint CHECK (size_bytes >= 0),
      downloaded_at timestamptz,
      failure text,
      UNIQUE (requested_by, client_key)
    )`,
    `CREATE INDEX privacy_requests_student ON privacy_requests (student_id, requested_at DESC)`,
    `CREATE INDEX privacy_requests_open ON privacy_requests (due_on) WHERE status IN ('queued', 'running')`,
    `CREATE INDEX privacy_requests_recent ON privacy_requests (requested_at DESC, id DESC)`,
    `ALTER TABLE access_log DROP CONSTRAINT access_log_part_check`,
    `ALTER TABLE access_log ADD CONSTRAINT access_log_part_check
       CHECK (part IN ('profile', 'attendance', 'fees', 'report-card', 'analytics', 'export'))`,
  ],
};
