import { analyticsSettingSql } from './analytics-settings';
import type { AuditedRows } from './audit-entry';

/** What a guardian consents to: analytics, messages beyond essential school communication, third-party integrations. */
export const consentPurposes = ['analytics', 'messages', 'integrations'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/** A guardian's decision. Withdrawn: given before, taken back. */
export const consentStatuses = ['given', 'refused', 'withdrawn'] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

/** How the decision reached the school: through the portal (the guardian), or recorded by the school. */
export const consentMethods = ['portal', 'paper', 'email', 'in-person', 'phone'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

/** SQL: the decision in force for a student (`student`, an expression of its id) and a purpose, or no row. */
export const consentInForceSql = (student: string, purpose: ConsentPurpose) =>
  `(SELECT c.status FROM consents c WHERE c.student_id = ${student} AND c.purpose = '${purpose}'
     ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1)`;

/**
 * SQL (boolean): whether analytics may score the student row `student` (an alias of `students`).
 * A refusal or withdrawal always stops it, a consent given always allows it; with no decision,
 * the school's lawful basis decides (consent: not scored), and a student under the school's
 * parental-consent age (or of unknown age, where there is one) is not scored.
 */
export function analyticsPermittedSql(student: string): string {
  const decision = consentInForceSql(`${student}.id`, 'analytics');
  return `coalesce(CASE ${decision}
     WHEN 'given' THEN true
     WHEN 'refused' THEN false
     WHEN 'withdrawn' THEN false
     ELSE ${analyticsSettingSql.lawfulBasis} = 'legitimate-interest'
          AND (${analyticsSettingSql.parentalConsentUnder} IS NULL
               OR ${student}.date_of_birth <= current_date - make_interval(years => ${analyticsSettingSql.parentalConsentUnder}))
   END, false)`;
}

/**
 * SQL (boolean): whether the guardian `guardianId` (an expression of their id) refused, or
 * withdrew, messages beyond essential school communication for a child of theirs: such a guardian
 * gets those messages in the app only, never by e-mail, text or browser notification.
 */
export const messagesRefusedSql = (guardianId: string) =>
  `EXISTS (SELECT 1 FROM student_guardians msg_sg
            WHERE msg_sg.guardian_id = ${guardianId}
              AND ${consentInForceSql('msg_sg.student_id', 'messages')} IN ('refused', 'withdrawn'))`;

/**
 * CTEs `removed_analytics` and `removed_predictions`: delete the computed analytics and predictions
 * of the students `studentIds` (an SQL query of ids). What a withdrawal, a change of the school's
 * basis and an erasure remove; audit them with `removedAnalyticsAudit`.
 */
export const removedAnalyticsCtes = (studentIds: string): string =>
  `removed_analytics AS (
       DELETE FROM student_analytics WHERE student_id IN (${studentIds}) RETURNING *),
     removed_predictions AS (
       DELETE FROM risk_predictions WHERE student_id IN (${studentIds}) RETURNING *)`;

/** The audit parts of `removedAnalyticsCtes`' rows. */
export const removedAnalyticsAudit = {
  analytics: { before: 'removed_analytics', key: ['student_id'], people: ['student_id'] },
  predictions: {
    before: 'removed_predictions',
    key: ['academic_year_id', 'student_id', 'setup'],
    people: ['student_id'],
  },
} as const satisfies Record<string, AuditedRows>;
