import { type DataApiSession, typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';

/** Links a guardian to a student (or changes the relationship), audited; linking again is a no-op. */
export async function linkGuardian(
  db: DataApiSession,
  actor: string,
  studentId: string,
  guardianId: string,
  relationship: string,
): Promise<{ studentId: string; guardianId: string; relationship: string }> {
  await db.query(
    `WITH changed AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       VALUES (:studentId, :guardianId, :relationship)
       ON CONFLICT (student_id, guardian_id) DO UPDATE SET relationship = excluded.relationship
        WHERE student_guardians.relationship IS DISTINCT FROM excluded.relationship
       RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, after)
       SELECT :actor, 'link', 'guardian', changed.student_id::text || '/' || changed.guardian_id, to_jsonb(changed)
         FROM changed)
     SELECT count(*) AS changed FROM changed`,
    { actor, studentId: typed.uuid(studentId), guardianId: typed.uuid(guardianId), relationship },
  );
  return { studentId, guardianId, relationship };
}

export async function unlinkGuardian(
  db: DataApiSession,
  actor: string,
  studentId: string,
  guardianId: string,
): Promise<void> {
  const [row] = await db.query(
    `WITH changed AS (
       DELETE FROM student_guardians WHERE student_id = :studentId AND guardian_id = :guardianId RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, before)
       SELECT :actor, 'unlink', 'guardian', changed.student_id::text || '/' || changed.guardian_id, to_jsonb(changed)
         FROM changed)
     SELECT 1 AS removed FROM changed`,
    { actor, studentId: typed.uuid(studentId), guardianId: typed.uuid(guardianId) },
  );
  if (!row) throw notFound('The link between this student and guardian');
}
