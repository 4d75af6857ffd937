import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, type SqlValue, typed } from '../../shared/data-api';
import { conflict, notFound } from '../../shared/http';
import { invitationRequestSql } from '../../shared/notification-outbox';
import { type UserDirectory, UserExistsError } from '../../shared/user-directory';
import { cursorValues, keysetPage } from '../sql-fragments';
import type { Invitation, StaffMember } from './staff.schemas';

const staffColumns = (alias: string) =>
  `${alias}.id, ${alias}.user_sub AS "userId", ${alias}.email, ${alias}.name, ${alias}.role, ${alias}.status`;

export async function listStaff(
  db: DataApiSession,
  query: { status?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: StaffMember[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  if (query.status) {
    conditions.push('s.status = :status');
    params.status = query.status;
  }
  if (query.cursor) {
    const after = cursorValues(query.cursor, 2);
    conditions.push('(s.name, s.id) > (:afterName, :afterId)');
    Object.assign(params, { afterName: String(after[0]), afterId: typed.uuid(String(after[1])) });
  }
  const rows = await db.query<StaffMember>(
    `SELECT ${staffColumns('s')} FROM staff s ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY s.name, s.id LIMIT :limit`,
    params,
  );
  return keysetPage(rows, query.limit, (last) => [last.name, last.id]);
}

/**
 * Invites a member of staff: the directory account first (with the role and the school, and no
 * password anyone knows), then the staff record, audited, with the invitation asked of the
 * notification service in the same statement (a branded, tracked e-mail whose signed link lets
 * them choose their password). If the record cannot be written, the account is removed, so
 * nothing is left half-made.
 */
export async function inviteStaff(
  db: DataApiSession,
  directory: UserDirectory,
  schoolId: string,
  input: Invitation,
): Promise<StaffMember> {
  const email = input.email.toLowerCase();
  let userId: string;
  try {
    userId = await directory.invite(
      { email, name: input.name, role: input.role, schoolId },
      { sendsInvitation: false },
    );
  } catch (error) {
    if (error instanceof UserExistsError) {
      throw conflict('Someone with this e-mail already has an account.', [
        { path: 'body.email', message: 'is already used' },
      ]);
    }
    throw error;
  }
  try {
    const [created] = await db.query<StaffMember>(
      `WITH changed AS (
         INSERT INTO staff (user_sub, email, name, role, status) VALUES (:userId, :email, :name, :role, 'active') RETURNING *),
       ${invitationRequestSql('staff')},
       ${auditEntry({ action: 'invite', entity: 'staff', after: 'changed', rows: 'one', people: ['id'] })}
       SELECT ${staffColumns('changed')} FROM changed`,
      { userId, email, name: input.name, role: input.role },
    );
    return created!;
  } catch (error) {
    await directory.remove(email);
    throw error;
  }
}

async function changeStaff(
  db: DataApiSession,
  staffId: string,
  action: string,
  set: string,
  params: Record<string, SqlValue>,
): Promise<StaffMember & { previousRole: StaffMember['role'] }> {
  const [row] = await db.query<StaffMember & { previousRole: StaffMember['role'] }>(
    `WITH before AS (SELECT * FROM staff WHERE id = :id),
     changed AS (UPDATE staff SET ${set} WHERE id = :id RETURNING *),
     ${auditEntry({ action, entity: 'staff', before: 'before', after: 'changed', rows: 'one', people: ['id'] })}
     SELECT ${staffColumns('changed')}, (SELECT role FROM before) AS "previousRole" FROM changed`,
    { ...params, id: typed.uuid(staffId) },
  );
  if (!row) throw notFound('The member of staff');
  return row;
}

/** Changes a member of staff's role, in the school's records and in the directory's groups. */
export async function changeStaffRole(
  db: DataApiSession,
  directory: UserDirectory,
  staffId: string,
  role: StaffMember['role'],
): Promise<StaffMember> {
  const { previousRole, ...member } = await changeStaff(db, staffId, 'change-role', 'role = :role', { role });
  if (previousRole !== role) await directory.changeRole(member.email, previousRole, role);
  return member;
}

/** Deactivates a member of staff: they can no longer sign in; their records stay. */
export async function deactivateStaff(
  db: DataApiSession,
  directory: UserDirectory,
  staffId: string,
): Promise<StaffMember> {
  const { previousRole: _role, ...member } = await changeStaff(db, staffId, 'deactivate', "status = 'deactivated'", {});
  await directory.disable(member.email);
  return member;
}
