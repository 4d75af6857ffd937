import type { Migration } from './migration';

/**
 * Consent records: for each student and purpose (analytics, messages beyond essential school
 * communication, third-party integrations), every decision a guardian made, given, refused or
 * withdrawn, by whom, how and when. Rows are only added: the latest per student and purpose is
 * the one in force, the rest is its history.
 */
export const consents: Migration = {
  version: 13,
  name: 'consents',
  statements: [
    `CREATE TABLE consents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL REFERENCES students (id),
      purpose text NOT NULL CHECK (purpose IN ('analytics', 'messages', 'integrations')),
      status text NOT NULL CHECK (status IN ('given', 'refused', 'withdrawn')),
      -- The guardian whose decision it is (null: recorded by the school with no guardian named).
      guardian_id uuid REFERENCES guardians (id),
      method text NOT NULL CHECK (method IN ('portal', 'paper', 'email', 'in-person', 'phone')),
      note text CHECK (length(note) <= 500),
      recorded_by text NOT NULL,
      -- clock_timestamp: two decisions in one transaction still follow each other.
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
    `CREATE INDEX consents_in_force ON consents (student_id, purpose, recorded_at DESC, id DESC)`,
  ],
};
