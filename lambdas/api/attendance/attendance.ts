import { type DataApiSession, typed } from '../../shared/data-api';
import { auditEntry } from '../../shared/audit-entry';
import { absenceAlertRequests } from '../../shared/notification-outbox';
import { forbidden, invalid, notFound } from '../../shared/http';
import { type Caller, classAccessCte } from '../class-access';
import type { ClassDaySheet, ClassMarks } from './attendance.schemas';
import { isoTimestampSql } from '../sql-fragments';

/**
 * Marks a class for a day in one statement: every mark is upserted on its natural key
 * (student, date), unchanged marks are left alone, the changes are audited in one entry
 * with the marks before and after, and nothing is written unless the caller may mark the
 * class and every student is an active member of it. Absences of today ask, in the same
 * statement, for an alert to the guardians once the grace time has passed (the outbox; one
 * per student and day). Retrying the same request changes nothing.
 */
export async function markClassDay(
  db: DataApiSession,
  caller: Caller,
  classId: string,
  date: string,
  input: ClassMarks,
): Promise<{ received: number; changed: number; alertsDueAt: string | null }> {
  const [result] = await db.query<{
    allowed: boolean;
    classExists: boolean;
    rejected: string;
    changed: number;
    alertsDueAt: string | null;
  }>(
    `WITH ${classAccessCte},
      input AS (
        SELECT (e->>'studentId')::uuid AS student_id, e->>'status' AS status, e->>'note' AS note, n - 1 AS position
          FROM jsonb_array_elements(:marks::jsonb) WITH ORDINALITY AS t(e, n)
      ),
      strangers AS (
        SELECT i.position FROM input i
         WHERE NOT EXISTS (
           SELECT 1 FROM students s WHERE s.id = i.student_id AND s.class_id = :classId AND s.status = 'active')
      ),
      accepted AS (
        SELECT i.* FROM input i
         WHERE EXISTS (SELECT 1 FROM caller) AND NOT EXISTS (SELECT 1 FROM strangers)
      ),
      previous AS (
        SELECT a.* FROM attendance a JOIN accepted i ON i.student_id = a.student_id WHERE a.on_date = :date
      ),
      upserted AS (
        INSERT INTO attendance (student_id, on_date, class_id, status, note, marked_by)
        SELECT student_id, :date, :classId, status, note, :actor FROM accepted
        ON CONFLICT (student_id, on_date) DO UPDATE
           SET status = excluded.status, note = excluded.note, class_id = excluded.class_id,
               marked_by = excluded.marked_by, marked_at = now()
         WHERE (attendance.status, attendance.note, attendance.class_id)
               IS DISTINCT FROM (excluded.status, excluded.note, excluded.class_id)
        RETURNING *
      ),
      ${absenceAlertRequests('upserted')},
      ${auditEntry({
        action: 'mark',
        entity: 'attendance',
        before: 'previous',
        after: 'upserted',
        rows: 'many',
        key: ['student_id', 'on_date'],
        // The class's register of the day.
        entityId: `:classId::text || '/' || :date`,
        people: ['student_id'],
      })}
    SELECT EXISTS (SELECT 1 FROM caller) AS allowed,
           EXISTS (SELECT 1 FROM classes WHERE id = :classId) AS "classExists",
           (SELECT coalesce(json_agg(position ORDER BY position), '[]') FROM strangers)::text AS rejected,
           (SELECT count(*) FROM upserted)::int AS changed,
           (SELECT ${isoTimestampSql('min(due_at)')} FROM alerts_requested)
             AS "alertsDueAt"`,
    {
      isAdmin: caller.isAdmin,
      actor: caller.userId,
      classId: typed.uuid(classId),
      date: typed.date(date),
      marks: typed.json(input.marks),
    },
  );
  if (!result!.classExists) throw notFound('The class');
  if (!result!.allowed) throw forbidden('Only the teachers of this class can mark it.');
  const rejected = JSON.parse(result!.rejected) as number[];
  if (rejected.length) {
    throw invalid(
      rejected.map((position) => ({
        path: `body.marks.${position}.studentId`,
        message: 'is not an active student of this class',
      })),
      'Some students are not in this class; nothing was marked.',
    );
  }
  return { received: input.marks.length, changed: result!.changed, alertsDueAt: result!.alertsDueAt };
}

/** The class's active students with their mark for the day, and the day's counts: one round trip. */
export async function classDaySheet(
  db: DataApiSession,
  caller: Caller,
  classId: string,
  date: string,
): Promise<ClassDaySheet> {
  const [row] = await db.query<{ allowed: boolean; classExists: boolean; students: string }>(
    `WITH ${classAccessCte}
    SELECT EXISTS (SELECT 1 FROM caller) AS allowed,
           EXISTS (SELECT 1 FROM classes WHERE id = :classId) AS "classExists",
           coalesce((
             SELECT json_agg(json_build_object(
                      'studentId', s.id, 'admissionNo', s.admission_no, 'givenName', s.given_name,
                      'familyName', s.family_name, 'status', a.status, 'note', a.note)
                    ORDER BY s.family_name, s.given_name, s.id)
               FROM students s LEFT JOIN attendance a ON a.student_id = s.id AND a.on_date = :date
              WHERE s.class_id = :classId AND s.status = 'active' AND EXISTS (SELECT 1 FROM caller)
           ), '[]')::text AS students`,
    { isAdmin: caller.isAdmin, actor: caller.userId, classId: typed.uuid(classId), date: typed.date(date) },
  );
  if (!row!.classExists) throw notFound('The class');
  if (!row!.allowed) throw forbidden('Only the teachers of this class can see its register.');
  const students = JSON.parse(row!.students) as ClassDaySheet['students'];
  const count = (status: string | null) => students.filter((s) => s.status === status).length;
  return {
    classId,
    date,
    students,
    summary: {
      present: count('present'),
      absent: count('absent'),
      late: count('late'),
      excused: count('excused'),
      unmarked: count(null),
    },
  };
}
