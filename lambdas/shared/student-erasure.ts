import { auditEntry } from './audit-entry';
import { type DataApiSession, jsonColumn, typed } from './data-api';
import type { ErasureEntry, ErasureRegister } from './erasure-register';

/**
 * Erasure of a student and of the guardians who have no other child at the school (GDPR article
 * 17): what a school may delete is deleted; what its retention policy makes it keep (grades for
 * transcripts, financial records) is moved to a pseudonymous record that names nobody; the
 * person's key of the audit log is deleted, so their rows in it can never be read again
 * (migration 17). The same statement serves the privacy worker and a restore that applies
 * erasures again (`reapplyErasures`).
 */

/**
 * Kinds a school may have to keep after an erasure, by law rather than by choice: transcripts
 * and the books. Its retention policy decides (no years, or more than none: kept, pseudonymised;
 * zero years: deleted). Everything else about the person is deleted.
 */
export const erasureMayKeep = ['grades', 'fees'] as const;

/** What an erasure did, by table, without a trace of whom it was about. */
export interface ErasureOutcome {
  /** Rows deleted, by table. */
  readonly removed: Readonly<Record<string, number>>;
  /** Rows kept under the retention policy, moved to the pseudonymous record, by kind. */
  readonly kept: Readonly<Record<(typeof erasureMayKeep)[number], number>>;
  /** The pseudonymous record's admission number, when something was kept. */
  readonly pseudonym: string | null;
  /** Guardians erased with the student; those with another child at the school stay, without the link. */
  readonly guardiansErased: number;
  readonly guardiansKept: number;
}

/** What is left to remove outside the database: stored files that may name the person, and sign-ins. */
export interface ErasurePending {
  readonly objects: readonly { readonly bucket: 'exports' | 'reports'; readonly key: string }[];
  /** E-mail addresses (the directory's user names) of the erased guardians' sign-ins. */
  readonly signIns: readonly string[];
}

/** Who an erasure of this student would erase: the student and their guardians with no other child here. */
export async function erasurePeople(
  db: DataApiSession,
  studentId: string,
): Promise<{ studentId: string; guardianIds: string[] } | undefined> {
  const [row] = await db.query<{ id: string; guardians: string }>(
    `SELECT s.id, coalesce(json_agg(sg.guardian_id) FILTER (WHERE sg.guardian_id IS NOT NULL
                   AND NOT EXISTS (${otherChild('sg.guardian_id')})), '[]')::text AS guardians
       FROM students s LEFT JOIN student_guardians sg ON sg.student_id = s.id
      WHERE s.id = :studentId AND s.status <> 'erased' GROUP BY s.id`,
    { studentId: typed.uuid(studentId) },
  );
  return row ? { studentId: row.id, guardianIds: jsonColumn<string[]>(row.guardians) } : undefined;
}

/** SQL (a query): a child of the guardian `g` at the school other than `:studentId`. */
const otherChild = (guardian: string) =>
  `SELECT 1 FROM student_guardians o JOIN students c ON c.id = o.student_id
    WHERE o.guardian_id = ${guardian} AND o.student_id <> :studentId AND c.status <> 'erased'`;

/** A kind is kept unless the school's policy keeps it zero years after a student leaves. */
const keeps = (kind: (typeof erasureMayKeep)[number]) =>
  `NOT EXISTS (SELECT 1 FROM retention_policy WHERE kind = '${kind}' AND keep_years = 0)`;

/**
 * Erases the student (`:studentId`) in one statement, audited as the request's `erase` (counts,
 * never content); nothing happens when the student is no longer there, so a retried or repeated
 * erasure changes nothing. With `finish`, the request (if the database has it) is marked done;
 * otherwise what remains outside the database is written to the request as `pending`, for the
 * worker to remove before it marks it done.
 */
export async function eraseStudent(
  db: DataApiSession,
  request: { requestId: string; studentId: string; pseudonymId: string; finish: boolean },
): Promise<ErasureOutcome | undefined> {
  const [row] = await db.query<{ outcome: string | null }>(
    `WITH target AS (SELECT * FROM students WHERE id = :studentId AND status <> 'erased'),
     links AS (SELECT sg.* FROM student_guardians sg JOIN target t ON t.id = sg.student_id),
     erased_guardians AS (
       SELECT g.* FROM guardians g JOIN links l ON l.guardian_id = g.id WHERE NOT EXISTS (${otherChild('g.id')})),
     people AS (SELECT id FROM target UNION ALL SELECT id FROM erased_guardians),
     classes_of AS (
       SELECT class_id AS id FROM target WHERE class_id IS NOT NULL
       UNION SELECT e.class_id FROM enrolments e JOIN target t ON t.id = e.student_id),
     keeps_grades AS (SELECT 1 AS yes FROM target WHERE ${keeps('grades')}
                        AND EXISTS (SELECT 1 FROM scores WHERE student_id = :studentId)),
     keeps_fees AS (SELECT 1 AS yes FROM target WHERE ${keeps('fees')}
                      AND (EXISTS (SELECT 1 FROM invoices WHERE student_id = :studentId)
                           OR EXISTS (SELECT 1 FROM payments WHERE student_id = :studentId))),
     pseudonym AS (
       INSERT INTO students (id, admission_no, given_name, family_name, status, enrolled_on, withdrawn_on)
       SELECT :pseudonymId, 'ERASED-' || upper(left(replace(CAST(:pseudonymId AS text), '-', ''), 12)),
              'Erased', 'record', 'erased', t.enrolled_on, coalesce(t.withdrawn_on, current_date)
         FROM target t WHERE EXISTS (SELECT 1 FROM keeps_grades) OR EXISTS (SELECT 1 FROM keeps_fees)
       RETURNING id, admission_no),
     moved_scores AS (
       UPDATE scores x SET student_id = p.id FROM pseudonym p, keeps_grades k WHERE x.student_id = :studentId RETURNING 1),
     moved_enrolments AS (
       UPDATE enrolments x SET student_id = p.id FROM pseudonym p, keeps_grades k WHERE x.student_id = :studentId RETURNING 1),
     moved_invoices AS (
       UPDATE invoices x SET student_id = p.id FROM pseudonym p, keeps_fees k WHERE x.student_id = :studentId RETURNING 1),
     moved_payments AS (
       UPDATE payments x SET student_id = p.id FROM pseudonym p, keeps_fees k WHERE x.student_id = :studentId RETURNING 1),
     removed_scores AS (
       DELETE FROM scores WHERE student_id = :studentId AND NOT EXISTS (SELECT 1 FROM keeps_grades) RETURNING 1),
     removed_enrolments AS (
       DELETE FROM enrolments WHERE student_id = :studentId AND NOT EXISTS (SELECT 1 FROM keeps_grades) RETURNING 1),
     removed_payments AS (
       DELETE FROM payments WHERE student_id = :studentId AND NOT EXISTS (SELECT 1 FROM keeps_fees) RETURNING 1),
     removed_invoices AS (
       DELETE FROM invoices WHERE student_id = :studentId AND NOT EXISTS (SELECT 1 FROM keeps_fees) RETURNING 1),
     removed_attendance AS (DELETE FROM attendance WHERE student_id = :studentId RETURNING 1),
     removed_analytics AS (DELETE FROM student_analytics WHERE student_id = :studentId RETURNING 1),
     removed_predictions AS (DELETE FROM risk_predictions WHERE student_id = :studentId RETURNING 1),
     removed_consents AS (
       DELETE FROM consents WHERE student_id = :studentId OR guardian_id IN (SELECT id FROM erased_guardians) RETURNING 1),
     removed_access_log AS (DELETE FROM access_log WHERE student_id = :studentId RETURNING 1),
     about_student AS (SELECT id FROM notification_requests WHERE student_id = :studentId),
     removed_messages AS (
       DELETE FROM notification_messages
        WHERE request_id IN (SELECT id FROM about_student) OR recipient_id IN (SELECT id FROM erased_guardians)
       RETURNING 1),
     removed_notices AS (DELETE FROM notification_requests WHERE student_id = :studentId RETURNING 1),
     removed_preferences AS (
       DELETE FROM notification_preferences WHERE person_id IN (SELECT id FROM erased_guardians) RETURNING 1),
     removed_browsers AS (DELETE FROM push_subscriptions WHERE person_id IN (SELECT id FROM erased_guardians) RETURNING 1),
     removed_acceptances AS (
       DELETE FROM invitation_acceptances WHERE person_id IN (SELECT id FROM erased_guardians) RETURNING 1),
     removed_addresses AS (
       DELETE FROM undeliverable_addresses
        WHERE address IN (SELECT lower(email) FROM erased_guardians WHERE email IS NOT NULL
                          UNION SELECT phone FROM erased_guardians WHERE phone IS NOT NULL)
       RETURNING 1),
     removed_links AS (DELETE FROM student_guardians WHERE student_id = :studentId RETURNING 1),
     removed_guardians AS (DELETE FROM guardians WHERE id IN (SELECT id FROM erased_guardians) RETURNING 1),
     removed_keys AS (DELETE FROM person_keys WHERE person_id IN (SELECT id FROM people) RETURNING 1),
     -- Reports about the student go; the class's and the school's that may name them lose their files.
     report_files AS (
       SELECT r.id, r.object_key, r.scope->>'studentId' IS NOT NULL AS about_student FROM reports r
        WHERE r.object_key IS NOT NULL AND EXISTS (SELECT 1 FROM target)
          AND (r.kind = 'school-analytics' OR r.scope->>'studentId' = CAST(:studentId AS text)
               OR (r.kind = 'report-cards' AND r.scope->>'classId' IN (SELECT id::text FROM classes_of)))),
     removed_reports AS (
       DELETE FROM reports r WHERE r.scope->>'studentId' = CAST(:studentId AS text) AND EXISTS (SELECT 1 FROM target)
       RETURNING 1),
     cleared_reports AS (
       UPDATE reports r SET object_key = NULL FROM report_files f WHERE r.id = f.id AND NOT f.about_student RETURNING 1),
     export_files AS (
       SELECT id, object_key FROM exports WHERE object_key IS NOT NULL AND EXISTS (SELECT 1 FROM target)),
     cleared_exports AS (UPDATE exports x SET object_key = NULL FROM export_files f WHERE x.id = f.id RETURNING 1),
     request_files AS (
       SELECT object_key FROM privacy_requests WHERE student_id = :studentId AND object_key IS NOT NULL),
     outcome AS (
       SELECT jsonb_build_object(
                'removed', jsonb_strip_nulls(jsonb_build_object(
                  'attendance', nullif((SELECT count(*) FROM removed_attendance), 0),
                  'scores', nullif((SELECT count(*) FROM removed_scores), 0),
                  'enrolments', nullif((SELECT count(*) FROM removed_enrolments), 0),
                  'invoices', nullif((SELECT count(*) FROM removed_invoices), 0),
                  'payments', nullif((SELECT count(*) FROM removed_payments), 0),
                  'analytics', nullif((SELECT count(*) FROM removed_analytics) + (SELECT count(*) FROM removed_predictions), 0),
                  'consents', nullif((SELECT count(*) FROM removed_consents), 0),
                  'accessLog', nullif((SELECT count(*) FROM removed_access_log), 0),
                  'notifications', nullif((SELECT count(*) FROM removed_messages) + (SELECT count(*) FROM removed_notices), 0),
                  'notificationSettings', nullif((SELECT count(*) FROM removed_preferences) + (SELECT count(*) FROM removed_browsers)
                                                  + (SELECT count(*) FROM removed_acceptances) + (SELECT count(*) FROM removed_addresses), 0),
                  'guardianLinks', nullif((SELECT count(*) FROM removed_links), 0),
                  'reports', nullif((SELECT count(*) FROM removed_reports), 0),
                  'files', nullif((SELECT count(*) FROM report_files) + (SELECT count(*) FROM export_files)
                                  + (SELECT count(*) FROM request_files), 0),
                  'auditKeys', nullif((SELECT count(*) FROM removed_keys), 0))),
                'kept', jsonb_build_object(
                  'grades', (SELECT count(*) FROM moved_scores),
                  'fees', (SELECT count(*) FROM moved_invoices) + (SELECT count(*) FROM moved_payments)),
                'pseudonym', (SELECT admission_no FROM pseudonym),
                'guardiansErased', (SELECT count(*) FROM removed_guardians),
                'guardiansKept', (SELECT count(*) FROM links) - (SELECT count(*) FROM erased_guardians)) AS value
         FROM target),
     pending AS (
       SELECT jsonb_build_object(
                'objects', coalesce((SELECT jsonb_agg(jsonb_build_object('bucket', f.bucket, 'key', f.object_key))
                                       FROM (SELECT 'reports' AS bucket, object_key FROM report_files
                                             UNION ALL SELECT 'exports', object_key FROM export_files
                                             UNION ALL SELECT 'exports', object_key FROM request_files) f), '[]'),
                'signIns', coalesce((SELECT jsonb_agg(lower(email)) FROM erased_guardians
                                      WHERE user_sub IS NOT NULL AND email IS NOT NULL), '[]')) AS value
         FROM target),
     requests AS (
       UPDATE privacy_requests r
          SET student_id = NULL,
              object_key = CASE WHEN r.id = :requestId THEN r.object_key END,
              outcome = CASE WHEN r.id = :requestId THEN (SELECT value FROM outcome) ELSE r.outcome END,
              pending = CASE WHEN r.id = :requestId AND NOT :finish THEN (SELECT value FROM pending) ELSE r.pending END,
              status = CASE WHEN r.id = :requestId AND :finish THEN 'done' ELSE r.status END,
              finished_at = CASE WHEN r.id = :requestId AND :finish THEN now() ELSE r.finished_at END
        WHERE r.student_id = :studentId AND EXISTS (SELECT 1 FROM target)
        RETURNING r.id),
     removed_student AS (DELETE FROM students WHERE id IN (SELECT id FROM target) RETURNING 1),
     summary AS (SELECT CAST(:requestId AS text) AS request, value AS outcome FROM outcome),
     ${auditEntry({
       action: 'erase',
       entity: 'privacy-request',
       rows: 'many',
       entityId: 'CAST(:requestId AS text)',
       after: 'summary',
       key: ['request'],
       changes: ['removed_student'],
     })}
     SELECT (SELECT value FROM outcome)::text AS outcome`,
    {
      requestId: typed.uuid(request.requestId),
      studentId: typed.uuid(request.studentId),
      pseudonymId: typed.uuid(request.pseudonymId),
      finish: request.finish,
    },
  );
  return row?.outcome ? jsonColumn<ErasureOutcome>(row.outcome) : undefined;
}

/**
 * Applies again every erasure the register holds for this school whose student the database
 * still has: after a restore of a backup taken before them. Each is the same statement as the
 * erasure (the guardians and the kept records worked out again), marked done at once: its files
 * and sign-ins went when it was first carried out. Answers the erasures applied again.
 */
export async function reapplyErasures(
  db: DataApiSession,
  register: ErasureRegister,
  schoolId: string,
  newId: () => string,
): Promise<ErasureEntry[]> {
  const entries = await register.of(schoolId);
  if (!entries.length) return [];
  const present = await db.query<{ id: string }>(
    `SELECT id FROM students WHERE id = ANY (CAST(:ids AS uuid[])) AND status <> 'erased'`,
    { ids: `{${entries.map((entry) => entry.studentId).join(',')}}` },
  );
  const again = entries.filter((entry) => present.some((student) => student.id === entry.studentId));
  for (const entry of again) {
    await eraseStudent(db, {
      requestId: entry.requestId,
      studentId: entry.studentId,
      pseudonymId: newId(),
      finish: true,
    });
  }
  return again;
}
