import { jurisdictions } from './jurisdictions';

/**
 * A school's retention policy: how many years each kind of record about a student is kept after
 * the student left (withdrawn or graduated). A kind the policy does not name, or names with no
 * years, is kept: nothing is removed unless the school's policy says so.
 */
export const retentionKinds = ['attendance', 'grades', 'fees', 'notifications', 'access-log', 'audit-entries'] as const;
export type RetentionKind = (typeof retentionKinds)[number];

/** Years kept after leaving, by kind; null: kept for as long as the school holds the student. */
export type RetentionYears = Readonly<Record<RetentionKind, number | null>>;

/**
 * Where a school starts, by the jurisdiction of its country: suggestions the admin reviews with
 * the school's data protection officer before adopting them, never applied by themselves.
 * Grades stay (schools issue transcripts for life); fees follow the usual bookkeeping periods;
 * attendance, messages and the record of who read the file go once they no longer serve the
 * student. Audit entries stay in the append-only log for good; what goes is the leaver's key, so
 * that what they record about the person can no longer be read (as with an erasure), kept as
 * long as the books they account for.
 */
const suggestions: Readonly<Record<keyof typeof jurisdictions, RetentionYears>> = {
  eu: { attendance: 5, grades: null, fees: 10, notifications: 1, 'access-log': 5, 'audit-entries': 10 },
  us: { attendance: 5, grades: null, fees: 7, notifications: 1, 'access-log': 5, 'audit-entries': 7 },
  ca: { attendance: 5, grades: null, fees: 6, notifications: 1, 'access-log': 5, 'audit-entries': 6 },
  au: { attendance: 5, grades: null, fees: 5, notifications: 1, 'access-log': 5, 'audit-entries': 5 },
};

/** The suggested policy for a school of `country` (ISO 3166-1 alpha-2): its jurisdiction's, or the strictest where none. */
export function suggestedRetention(country: string | null | undefined): RetentionYears {
  const found = Object.entries(jurisdictions).find(([, j]) => country && j.countries.includes(country));
  return found ? suggestions[found[0] as keyof typeof jurisdictions] : suggestions.eu;
}

/** SQL (boolean): whether the student row `s` left on or before `cutoff` (an SQL date). */
export const leftBySql = (s: string, cutoff: string) =>
  `(${s}.status IN ('withdrawn', 'graduated', 'erased') AND coalesce(${s}.withdrawn_on, ${s}.updated_at::date) <= ${cutoff})`;
