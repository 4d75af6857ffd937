import type { Migration } from './migration';

const uuid = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * One shape for every audit entry (lambdas/shared/audit-entry.ts): the request that made it,
 * and the people it is about (`subjects`: students, guardians, staff), so that a person's
 * entries are found by index, without reading them. Entries written before this name their
 * people in their entity id or rows; they are given theirs once, here. The log stays
 * append-only for everyone else: only this migration passes its guard, inside its own transaction.
 */
export const auditShape: Migration = {
  version: 5,
  name: 'audit request and subjects',
  statements: [
    `ALTER TABLE audit_log ADD COLUMN request_id text, ADD COLUMN subjects uuid[] NOT NULL DEFAULT '{}'`,
    `CREATE INDEX audit_log_subjects ON audit_log USING gin (subjects)`,
    `CREATE INDEX audit_log_request ON audit_log (request_id) WHERE request_id IS NOT NULL`,
    `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`,
    `UPDATE audit_log SET subjects = people.ids
       FROM (
         SELECT a.id, array_agg(DISTINCT p::uuid) AS ids
           FROM audit_log a,
                LATERAL (VALUES
                  (CASE WHEN a.entity IN ('student', 'staff') THEN a.entity_id END),
                  (CASE WHEN a.entity = 'guardian' THEN split_part(a.entity_id, '/', 1) END),
                  (CASE WHEN a.entity = 'guardian' THEN split_part(a.entity_id, '/', 2) END),
                  (CASE WHEN a.entity = 'attendance' THEN split_part(a.entity_id, '/', 1) END),
                  (CASE WHEN a.entity = 'score' THEN split_part(a.entity_id, '/', 2) END),
                  (coalesce(a.after, a.before)->>'student_id'),
                  (coalesce(a.after, a.before)->>'guardian_id')
                ) AS v(p)
          WHERE p ~ ${uuid}
          GROUP BY a.id
       ) people
      WHERE audit_log.id = people.id`,
    `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`,
  ],
};
