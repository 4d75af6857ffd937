import * as z from 'zod';
import { jsonColumn, type typed } from '../../shared/data-api';
import { invalid, json } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import { parseQuery } from '../validation';
import { auditRoutes } from '../routes';

const auditQuery = z
  .object({
    entity: z
      .string()
      .regex(/^[a-z-]{1,40}$/)
      .optional(),
    entityId: z.string().max(200).optional(),
    actor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Entries older than this id (the cursor is the last id seen). */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/** The school's audit log, newest first: school admins only. */
export const handler = schoolRoutes(auditRoutes(), {
  'GET /api/audit': async ({ event, db }) => {
    const query = parseQuery(auditQuery, event);
    if (query.entityId && !query.entity) {
      throw invalid([{ path: 'query.entity', message: 'is needed with entityId' }]);
    }
    const conditions: string[] = [];
    const params: Record<string, string | number | ReturnType<typeof typed.uuid>> = { limit: query.limit + 1 };
    for (const [field, column] of [
      ['entity', 'entity'],
      ['entityId', 'entity_id'],
      ['actor', 'actor'],
    ] as const) {
      if (query[field] === undefined) continue;
      conditions.push(`${column} = :${field}`);
      params[field] = query[field];
    }
    if (query.before) {
      conditions.push('id < :before');
      params.before = query.before;
    }
    const rows = await db.query<AuditEntry & { before: string | null; after: string | null }>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, action, entity,
              entity_id AS "entityId", before::text AS before, after::text AS after
         FROM audit_log ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT :limit`,
      params,
    );
    const items = rows.slice(0, query.limit).map((row) => ({
      ...row,
      id: Number(row.id),
      before: row.before === null ? null : jsonColumn(row.before),
      after: row.after === null ? null : jsonColumn(row.after),
    }));
    return json(200, { items, nextBefore: rows.length > query.limit ? items.at(-1)!.id : null });
  },
});
