import type { Migration } from './migration';

/**
 * Analytics and reports: each student's latest scores (risk with its drivers, anomaly
 * flags, peer percentiles, career suggestions) as the scoring run or a rescoring wrote
 * them; report requests and their PDFs; years repeated, which the at-risk model reads;
 * and the school's analytics settings (thresholds, who sees risk, the career mapping).
 */
export const analytics: Migration = {
  version: 4,
  name: 'analytics and reports',
  statements: [
    `ALTER TABLE students ADD COLUMN repeated_years smallint NOT NULL DEFAULT 0
      CHECK (repeated_years BETWEEN 0 AND 10)`,
    // Empty means the platform's defaults; the API validates what a school saves here.
    `ALTER TABLE school_settings ADD COLUMN analytics jsonb NOT NULL DEFAULT '{}'`,
    `CREATE TABLE student_analytics (
      student_id uuid PRIMARY KEY REFERENCES students (id),
      run_id text NOT NULL,
      model_version text NOT NULL,
      setup char(1) NOT NULL CHECK (setup IN ('A', 'B', 'C')),
      risk numeric(5, 4) NOT NULL CHECK (risk BETWEEN 0 AND 1),
      drivers jsonb NOT NULL,
      anomalies jsonb NOT NULL DEFAULT '[]',
      percentiles jsonb NOT NULL DEFAULT '[]',
      careers jsonb NOT NULL DEFAULT '[]',
      -- When the data scored was read: a later read always wins, whichever write lands last.
      data_as_of timestamptz NOT NULL,
      scored_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX student_analytics_risk ON student_analytics (risk DESC, student_id)`,
    `CREATE TABLE reports (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('report-cards', 'school-analytics', 'fee-statement')),
      scope jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      object_key text,
      pages integer CHECK (pages > 0),
      failure text,
      -- The scoring run that queued it: one school report per run, however often the run retries.
      run_id text UNIQUE
    )`,
    `CREATE INDEX reports_requested ON reports (requested_at DESC, id DESC)`,
  ],
};
