import type { Migration } from './migration';

/**
 * Export requests: a school admin asks for a CSV of students, attendance or grades; the
 * exports worker writes it to the exports bucket. The request row is written by the API,
 * its progress only by the worker.
 */
export const exportRequests: Migration = {
  version: 2,
  name: 'export requests',
  statements: [
    `CREATE TABLE exports (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('students', 'attendance', 'grades')),
      filters jsonb NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      object_key text,
      row_count integer CHECK (row_count >= 0),
      failure text
    )`,
    `CREATE INDEX exports_requested ON exports (requested_at DESC, id DESC)`,
  ],
};
