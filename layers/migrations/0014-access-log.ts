import type { Migration } from './migration';

/**
 * The record of disclosures (FERPA): every read of a part of a student's record by a person,
 * who, when, through which request and what. Written by the read itself, in its own statement.
 */
export const accessLog: Migration = {
  version: 14,
  name: 'access log',
  statements: [
    `CREATE TABLE access_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      request_id text NOT NULL,
      student_id uuid NOT NULL REFERENCES students (id),
      part text NOT NULL CHECK (part IN ('profile', 'attendance', 'fees', 'report-card', 'analytics'))
    )`,
    `CREATE INDEX access_log_student ON access_log (student_id, at DESC, id DESC)`,
  ],
};
