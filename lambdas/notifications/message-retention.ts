import { auditEntry } from '../shared/audit-entry';
import type { DataApiSession } from '../shared/data-api';

/** Messages purged a statement at most; a backlog goes on at the next purge. */
const purgeBatch = 5000;

/**
 * Removes what messages said and where they went (subject, body, address) once they are older
 * than the school's retention, in one audited statement: the entry lists which messages were
 * purged and whose they were, never their text. Messages still waiting to be sent are left.
 * Answers how many were purged.
 */
export async function purgeExpiredMessages(db: DataApiSession): Promise<number> {
  const [row] = await db.query<{ purged: number }>(
    `WITH due AS (
       SELECT m.id FROM notification_messages m, notification_settings n
        WHERE m.purged_at IS NULL AND m.status NOT IN ('queued', 'sending')
          AND m.queued_at < now() - make_interval(days => n.message_retention_days)
        ORDER BY m.queued_at LIMIT ${purgeBatch}
     ),
     purged AS (
       UPDATE notification_messages m SET subject = '', body = '', address = NULL, purged_at = now(), updated_at = now()
         FROM due WHERE m.id = due.id
       RETURNING m.id, m.request_id, m.recipient_id, m.channel, m.status
     ),
     ${auditEntry({ action: 'purge', entity: 'notification', after: 'purged', rows: 'many', people: ['recipient_id'] })}
     SELECT count(*)::int AS purged FROM purged`,
  );
  return row?.purged ?? 0;
}
