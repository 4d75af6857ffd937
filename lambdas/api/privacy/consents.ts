import { analyticsSettingSql } from '../../shared/analytics-settings';
import { auditEntry } from '../../shared/audit-entry';
import {
  analyticsPermittedSql,
  type ConsentMethod,
  consentPurposes,
  type ConsentPurpose,
  removedAnalyticsAudit,
  removedAnalyticsCtes,
} from '../../shared/consents';
import { type DataApiSession, jsonColumn, typed } from '../../shared/data-api';
import { conflict, invalid, notFound } from '../../shared/http';
import { guardiansChildOrStaffSql, isoTimestampSql } from '../sql-fragments';
import type { ConsentList, ConsentListQuery, StudentConsents } from './consents.schemas';

const optionalUuid = (value: string | undefined) => (value ? typed.uuid(value) : null);

/** The guardian's own link to the student, when a guardian asks (`:guardianActor` null: a school admin). */
const linkedOrStaff = (student: string) => guardiansChildOrStaffSql(student, ':guardianActor');

type Decision = StudentConsents['history'][number];

/**
 * A student's consents in one round trip: every decision with who made and recorded it, the
 * school's basis, and whether analytics scores the student now. Not found when there is no such
 * student, or the guardian asking is not one of theirs.
 */
export async function readStudentConsents(
  db: DataApiSession,
  studentId: string,
  guardianActor?: string,
): Promise<StudentConsents> {
  const [row] = await db.query<{
    studentId: string;
    lawfulBasis: StudentConsents['lawfulBasis'];
    parentalConsentUnder: number | null;
    analyticsScored: boolean;
    history: string;
  }>(
    `SELECT s.id AS "studentId", ${analyticsSettingSql.lawfulBasis} AS "lawfulBasis",
            ${analyticsSettingSql.parentalConsentUnder} AS "parentalConsentUnder",
            ${analyticsPermittedSql('s')} AS "analyticsScored",
            coalesce((
              SELECT json_agg(json_build_object(
                       'purpose', c.purpose, 'status', c.status, 'method', c.method,
                       'guardian', CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('guardianId', g.id, 'name', g.name) END,
                       'note', c.note,
                       'recordedBy', coalesce((SELECT st.name FROM staff st WHERE st.user_sub = c.recorded_by),
                                              (SELECT gr.name FROM guardians gr WHERE gr.user_sub = c.recorded_by),
                                              c.recorded_by),
                       'recordedAt', ${isoTimestampSql('c.recorded_at')})
                     ORDER BY c.recorded_at DESC, c.id DESC)
                FROM consents c LEFT JOIN guardians g ON g.id = c.guardian_id WHERE c.student_id = s.id), '[]')::text AS history
       FROM students s WHERE s.id = :studentId AND ${linkedOrStaff('s.id')}`,
    { studentId: typed.uuid(studentId), guardianActor: guardianActor ?? null },
  );
  if (!row) throw notFound('The student');
  const history = jsonColumn<StudentConsents['history']>(row.history);
  const inForce = Object.fromEntries(
    consentPurposes.map((purpose) => {
      const latest = history.find((entry) => entry.purpose === purpose);
      if (!latest) return [purpose, null];
      const { purpose: _purpose, ...decision } = latest;
      return [purpose, decision satisfies Omit<Decision, 'purpose'>];
    }),
  ) as StudentConsents['inForce'];
  return { ...row, inForce, history };
}

export interface ConsentDecision {
  readonly status: 'given' | 'refused' | 'withdrawn';
  readonly method: ConsentMethod;
  readonly guardianId?: string;
  readonly note?: string;
}

/**
 * Records a decision, in one audited statement, unless it is the one already in force (a retry
 * records nothing). A guardian decides for their own child only, as themself; the school names
 * the guardian, who must be one of the student's. Withdrawing needs a consent given. Refusing or
 * withdrawing analytics removes, in the same statement, the student's analytics and predictions
 * and the at-risk notices not yet sent: from then on the scorers skip the student.
 */
export async function recordConsent(
  db: DataApiSession,
  studentId: string,
  purpose: ConsentPurpose,
  decision: ConsentDecision,
  guardianActor?: string,
): Promise<StudentConsents> {
  const [row] = await db.query<{ found: boolean; guardianKnown: boolean; inForce: string | null }>(
    `WITH target AS (SELECT s.id FROM students s WHERE s.id = :studentId AND ${linkedOrStaff('s.id')}),
     decider AS (
       SELECT g.id FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id
        WHERE sg.student_id = :studentId
          AND CASE WHEN CAST(:guardianActor AS text) IS NOT NULL THEN g.user_sub = :guardianActor
                   ELSE g.id = CAST(:guardianId AS uuid) END
        LIMIT 1),
     in_force AS (
       SELECT c.status FROM consents c WHERE c.student_id = :studentId AND c.purpose = :purpose
        ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1),
     recorded AS (
       INSERT INTO consents (student_id, purpose, status, guardian_id, method, note, recorded_by)
       SELECT t.id, :purpose, :status, (SELECT id FROM decider), :method, :note, :auditActor FROM target t
        WHERE (SELECT status FROM in_force) IS DISTINCT FROM :status
          AND (:status <> 'withdrawn' OR (SELECT status FROM in_force) = 'given')
          AND (CAST(:guardianId AS uuid) IS NULL OR EXISTS (SELECT 1 FROM decider))
       RETURNING *),
     stopped AS (
       SELECT student_id FROM recorded WHERE purpose = 'analytics' AND status IN ('refused', 'withdrawn')),
     ${removedAnalyticsCtes('SELECT student_id FROM stopped')},
     cancelled_notices AS (
       UPDATE notification_requests SET status = 'cancelled', outcome = 'consent-withdrawn'
        WHERE kind = 'at-risk' AND status = 'pending' AND student_id IN (SELECT student_id FROM stopped)
       RETURNING *),
     ${auditEntry({
       action: 'record-consent',
       entity: 'consent',
       rows: 'many',
       entityId: '(SELECT r.id::text FROM recorded r LIMIT 1)',
       parts: {
         consent: { after: 'recorded', people: ['student_id', 'guardian_id'] },
         ...removedAnalyticsAudit,
         notices: { after: 'cancelled_notices', people: ['student_id'] },
       },
       changes: ['recorded'],
     })}
     SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM decider) AS "guardianKnown",
            (SELECT status FROM in_force) AS "inForce"`,
    {
      studentId: typed.uuid(studentId),
      guardianActor: guardianActor ?? null,
      guardianId: optionalUuid(decision.guardianId),
      purpose,
      status: decision.status,
      method: decision.method,
      note: decision.note || null,
    },
  );
  if (!row?.found) throw notFound('The student');
  if (decision.guardianId && !row.guardianKnown) {
    throw invalid([{ path: 'body.guardianId', message: 'is not a guardian of this student' }]);
  }
  if (decision.status === 'withdrawn' && row.inForce !== 'given' && row.inForce !== 'withdrawn') {
    throw conflict(`There is no ${purpose} consent to withdraw: it was not given.`, [
      { path: 'body.status', message: 'can be withdrawn only once given' },
    ]);
  }
  return readStudentConsents(db, studentId, guardianActor);
}

/** Active students with their consents in force (one round trip), by class, purpose and status. */
export async function listConsents(db: DataApiSession, query: ConsentListQuery): Promise<ConsentList> {
  const items = await db.query<ConsentList['items'][number]>(
    `SELECT * FROM (
       SELECT s.id AS "studentId", s.admission_no AS "admissionNo", s.given_name AS "givenName",
              s.family_name AS "familyName", c.name AS "className",
              ${consentPurposes
                .map(
                  (purpose) =>
                    `coalesce((SELECT k.status FROM consents k WHERE k.student_id = s.id AND k.purpose = '${purpose}'
                                ORDER BY k.recorded_at DESC, k.id DESC LIMIT 1), 'none') AS "${purpose}"`,
                )
                .join(',\n              ')},
              ${analyticsPermittedSql('s')} AS "analyticsScored"
         FROM students s LEFT JOIN classes c ON c.id = s.class_id
        WHERE s.status = 'active' AND (CAST(:classId AS uuid) IS NULL OR s.class_id = CAST(:classId AS uuid))
     ) listed
     WHERE CAST(:purpose AS text) IS NULL OR CAST(:status AS text) IS NULL
        OR CASE CAST(:purpose AS text) WHEN 'analytics' THEN listed.analytics
                                       WHEN 'messages' THEN listed.messages
                                       ELSE listed.integrations END = :status
     ORDER BY listed."className" NULLS LAST, listed."familyName", listed."givenName", listed."studentId"`,
    { classId: optionalUuid(query.classId), purpose: query.purpose ?? null, status: query.status ?? null },
  );
  return { items };
}
