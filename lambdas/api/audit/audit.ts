import { type DataApiSession, jsonColumn, type SqlValue, typed } from '../../shared/data-api';
import type { AuditEntry, AuditQuery } from './audit.schemas';
import { isoTimestampSql } from '../sql-fragments';

/** Rows of an entry up to this size are listed whole; larger ones (a big import's) by their count. */
const listedBytes = 16 * 1024;

/**
 * A before/after column as the list shows it, inside the Data API's 64 KB row: its rows opened
 * (`audit_unseal`: an erased person's read `{"erased": true}`), unless it is too large to list.
 */
const listed = (column: 'before' | 'after') =>
  `CASE WHEN octet_length(${column}::text) > ${listedBytes}
        THEN jsonb_build_object('omitted', true, 'rows',
               CASE jsonb_typeof(${column}) WHEN 'array' THEN jsonb_array_length(${column}) END)::text
        ELSE audit_unseal(${column})::text END`;

/** A page of the school's audit log, newest first, filtered by entity and actor: one round trip. */
export async function auditEntries(
  db: DataApiSession,
  query: AuditQuery,
): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  for (const [field, column] of [
    ['entity', 'entity'],
    ['entityId', 'entity_id'],
    ['actor', 'actor'],
    ['requestId', 'request_id'],
  ] as const) {
    if (query[field] === undefined) continue;
    // People are written as their pseudonyms (migration 17): an entity id is looked up as written.
    conditions.push(field === 'entityId' ? `${column} = audit_pseudonymous_id_of(:${field})` : `${column} = :${field}`);
    params[field] = query[field];
  }
  if (query.subject) {
    conditions.push('subjects && audit_pseudonyms(ARRAY[CAST(:subject AS uuid)])');
    params.subject = typed.uuid(query.subject);
  }
  if (query.before) {
    conditions.push('id < :before');
    params.before = query.before;
  }
  const rows = await db.query<AuditEntry & { before: string | null; after: string | null; subjects: string }>(
    `SELECT id, ${isoTimestampSql('at')} AS at, actor,
            request_id AS "requestId", action, entity, audit_identified_id(entity_id) AS "entityId",
            array_to_json(audit_identified_subjects(subjects))::text AS subjects,
            ${listed('before')} AS before, ${listed('after')} AS after
       FROM audit_log ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT :limit`,
    params,
  );
  const items = rows.slice(0, query.limit).map((row) => ({
    ...row,
    id: Number(row.id),
    subjects: jsonColumn<string[]>(row.subjects),
    before: row.before === null ? null : jsonColumn(row.before),
    after: row.after === null ? null : jsonColumn(row.after),
  }));
  return { items, nextBefore: rows.length > query.limit ? items.at(-1)!.id : null };
}
