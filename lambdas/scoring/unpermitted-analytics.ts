import { auditEntry } from '../shared/audit-entry';
import { analyticsPermittedSql, removedAnalyticsAudit, removedAnalyticsCtes } from '../shared/consents';
import type { DataApiSession } from '../shared/data-api';

/**
 * Removes, in one audited statement, the analytics and predictions of students the school may no
 * longer score although no decision of theirs changed: the school moved analytics to consent, set
 * a parental-consent age, or a student's date of birth was corrected. (A guardian's refusal or
 * withdrawal removes them in the statement that records it.) Answers how many students it cleared.
 */
export async function removeUnpermittedAnalytics(db: DataApiSession): Promise<number> {
  const [row] = await db.query<{ cleared: number }>(
    `WITH unpermitted AS (
       SELECT s.id FROM students s
        WHERE (EXISTS (SELECT 1 FROM student_analytics sa WHERE sa.student_id = s.id)
               OR EXISTS (SELECT 1 FROM risk_predictions rp WHERE rp.student_id = s.id))
          AND NOT ${analyticsPermittedSql('s')}),
     ${removedAnalyticsCtes('SELECT id FROM unpermitted')},
     ${auditEntry({
       action: 'remove-unpermitted',
       entity: 'student-analytics',
       rows: 'many',
       parts: removedAnalyticsAudit,
     })}
     SELECT count(*)::int AS cleared FROM unpermitted`,
  );
  return row?.cleared ?? 0;
}
