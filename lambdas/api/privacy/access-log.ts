import { type DataApiSession, jsonColumn, typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import type { AccessLogPage, AccessLogQuery } from './access-log.schemas';
import { guardiansChildOrStaffSql, isoTimestampSql } from '../sql-fragments';

/**
 * A page of a student's access log in one round trip, each entry with the reader's name and
 * role at the school. A guardian (`guardianActor`) reads only their own child's: another
 * student is not found.
 */
export async function readAccessLog(
  db: DataApiSession,
  studentId: string,
  query: AccessLogQuery,
  guardianActor?: string,
): Promise<AccessLogPage> {
  const [row] = await db.query<{ found: boolean; items: string }>(
    `SELECT EXISTS (
              SELECT 1 FROM students s WHERE s.id = :studentId
                 AND ${guardiansChildOrStaffSql('s.id', ':guardianActor')}) AS found,
            coalesce((
              SELECT json_agg(entry ORDER BY entry.id DESC) FROM (
                SELECT l.id, ${isoTimestampSql('l.at')} AS at, l.part,
                       coalesce(st.name, g.name, 'Someone no longer at the school') AS who,
                       coalesce(st.role, CASE WHEN g.id IS NOT NULL THEN 'guardian' END, 'other') AS role,
                       l.request_id AS "requestId"
                  FROM access_log l
                  LEFT JOIN staff st ON st.user_sub = l.actor
                  LEFT JOIN guardians g ON g.user_sub = l.actor AND st.id IS NULL
                 WHERE l.student_id = :studentId AND (CAST(:before AS bigint) IS NULL OR l.id < CAST(:before AS bigint))
                 ORDER BY l.id DESC LIMIT :limit) entry), '[]')::text AS items`,
    {
      studentId: typed.uuid(studentId),
      guardianActor: guardianActor ?? null,
      before: query.before ?? null,
      limit: query.limit,
    },
  );
  if (!row?.found) throw notFound('The student');
  const items = jsonColumn<AccessLogPage['items']>(row.items);
  return { items, next: items.length === query.limit ? items.at(-1)!.id : null };
}
