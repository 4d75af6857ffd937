import type { DataApiSession } from './data-api';
import { logger } from './observability';

/** The parts of a student's record whose reads are logged. */
export const recordParts = ['profile', 'attendance', 'fees', 'report-card', 'analytics', 'export'] as const;
export type RecordPart = (typeof recordParts)[number];

/** The student read: their id, or (when only the statement finds them, as a receipt's payment does) what the read was of. */
type StudentRead = { studentId: string; sql?: string } | { of: string; sql: string };

/**
 * The CTE `logged_access` that records, in the read's own statement, that the session's caller
 * read `part` of the student `read.studentId` (in the statement, `read.sql`: `:studentId` unless
 * named otherwise): no round trip of its own. A student that does not exist is not logged. While
 * the school's database refuses writes (the school suspended or being moved) nothing is written
 * beside the read (undefined); the access goes to the function's structured log instead, which is kept.
 */
function accessLogCte(db: DataApiSession, part: RecordPart, read: StudentRead): string | undefined {
  if (db.readOnly) {
    logger.info('student record read while the school is read-only', {
      accessLog: {
        part,
        ...('studentId' in read ? { studentId: read.studentId } : { of: read.of }),
        actor: db.auditIdentity?.actor,
        requestId: db.auditIdentity?.requestId,
      },
    });
    return undefined;
  }
  return `logged_access AS (
      INSERT INTO access_log (actor, request_id, student_id, part)
      SELECT :auditActor, :auditRequest, logged.id, '${part}' FROM students logged WHERE logged.id = ${read.sql ?? ':studentId'}
      RETURNING 1)`;
}

/** The access log's CTE for a statement that has no WITH of its own: the WITH to put before its SELECT. */
export function accessLogWith(db: DataApiSession, part: RecordPart, read: StudentRead): string {
  const cte = accessLogCte(db, part, read);
  return cte ? `WITH ${cte} ` : '';
}

/** The access log's CTE to follow other CTEs of the statement (which it may read): a comma, then the CTE. */
export function accessLogAfter(db: DataApiSession, part: RecordPart, read: StudentRead): string {
  const cte = accessLogCte(db, part, read);
  return cte ? `,\n     ${cte}` : '';
}
