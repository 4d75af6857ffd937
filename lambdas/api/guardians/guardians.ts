import { type DataApiSession, typed } from '../../shared/data-api';
import { auditEntry } from '../../shared/audit-entry';
import { conflict, invalid, notFound } from '../../shared/http';
import { invitationRequestSql } from '../../shared/notification-outbox';
import { type UserDirectory, UserExistsError } from '../../shared/user-directory';

/** What a link's audit entry names: the student and the guardian it joins. */
const guardianLink = {
  entity: 'guardian-link',
  rows: 'one',
  key: ['student_id', 'guardian_id'],
  entityId: `:studentId::text || '/' || :guardianId::text`,
  people: ['student_id', 'guardian_id'],
} as const;

/** Links a guardian to a student (or changes the relationship), audited; linking again is a no-op. */
export async function linkGuardian(
  db: DataApiSession,
  studentId: string,
  guardianId: string,
  relationship: string,
): Promise<{ studentId: string; guardianId: string; relationship: string }> {
  await db.query(
    `WITH before AS (SELECT * FROM student_guardians WHERE student_id = :studentId AND guardian_id = :guardianId),
     changed AS (
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       VALUES (:studentId, :guardianId, :relationship)
       ON CONFLICT (student_id, guardian_id) DO UPDATE SET relationship = excluded.relationship
        WHERE student_guardians.relationship IS DISTINCT FROM excluded.relationship
       RETURNING *),
     ${auditEntry({ ...guardianLink, action: 'link', before: 'before', after: 'changed' })}
     SELECT count(*) AS changed FROM changed`,
    { studentId: typed.uuid(studentId), guardianId: typed.uuid(guardianId), relationship },
  );
  return { studentId, guardianId, relationship };
}

export async function unlinkGuardian(db: DataApiSession, studentId: string, guardianId: string): Promise<void> {
  const [row] = await db.query(
    `WITH removed AS (
       DELETE FROM student_guardians WHERE student_id = :studentId AND guardian_id = :guardianId RETURNING *),
     ${auditEntry({ ...guardianLink, action: 'unlink', before: 'removed' })}
     SELECT 1 AS removed FROM removed`,
    { studentId: typed.uuid(studentId), guardianId: typed.uuid(guardianId) },
  );
  if (!row) throw notFound('The link between this student and guardian');
}

/**
 * Invites a guardian to the portal: an account with the guardian role in this school,
 * tied to the guardian's record, and the invitation e-mail asked of the notification service in
 * the same statement. A guardian is invited once; an account that cannot be
 * tied to the record is removed again.
 */
export async function inviteGuardian(
  db: DataApiSession,
  directory: UserDirectory,
  schoolId: string,
  guardianId: string,
): Promise<{ guardianId: string; userId: string; email: string }> {
  const [guardian] = await db.query<{ name: string; email: string | null; userSub: string | null }>(
    'SELECT name, email, user_sub AS "userSub" FROM guardians WHERE id = :id',
    { id: typed.uuid(guardianId) },
  );
  if (!guardian) throw notFound('The guardian');
  if (!guardian.email) throw invalid([{ path: 'guardian.email', message: 'is needed to invite a guardian' }]);
  if (guardian.userSub) throw conflict('This guardian has already been invited.');
  const email = guardian.email.toLowerCase();
  let userId: string;
  try {
    userId = await directory.invite(
      { email, name: guardian.name, role: 'guardian', schoolId },
      { sendsInvitation: false },
    );
  } catch (error) {
    if (error instanceof UserExistsError) throw conflict('Someone with this e-mail already has an account.');
    throw error;
  }
  try {
    const [tied] = await db.query<{ id: string }>(
      `WITH before AS (SELECT * FROM guardians WHERE id = :id),
       changed AS (UPDATE guardians SET user_sub = :userId WHERE id = :id AND user_sub IS NULL RETURNING *),
       ${invitationRequestSql('guardian')},
       ${auditEntry({ action: 'invite', entity: 'guardian', before: 'before', after: 'changed', rows: 'one', people: ['id'] })}
       SELECT id FROM changed`,
      { id: typed.uuid(guardianId), userId },
    );
    if (!tied) throw conflict('This guardian has already been invited.');
  } catch (error) {
    await directory.remove(email);
    throw error;
  }
  return { guardianId, userId, email };
}
