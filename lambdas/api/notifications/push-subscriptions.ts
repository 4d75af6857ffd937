import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, typed } from '../../shared/data-api';
import { invalid, notFound } from '../../shared/http';
import { pushEndpointProblem } from '../../shared/web-push-keys';
import { meCte } from './notifications';
import type { PushDevice, PushSubscriptionInput } from './push-subscriptions.schemas';
import { isoTimestampSql } from '../sql-fragments';

const deviceColumns = (table: string) =>
  `${table}.id, ${table}.device,
   ${isoTimestampSql(`${table}.created_at`)} AS "createdAt"`;

/** The caller's browsers, newest first. */
export async function listPushDevices(db: DataApiSession, actor: string): Promise<PushDevice[]> {
  return db.query<PushDevice>(
    `SELECT ${deviceColumns('ps')} FROM push_subscriptions ps WHERE ps.user_sub = :actor
      ORDER BY ps.created_at DESC, ps.id`,
    { actor },
  );
}

/**
 * Records a browser's subscription for the caller, in one audited statement. The endpoint is
 * the browser's (one per browser and key): sent again it is updated, not repeated; a browser
 * another person of the school allowed before (a shared computer) now notifies the caller only.
 */
export async function addPushDevice(
  db: DataApiSession,
  actor: string,
  input: PushSubscriptionInput,
  appOrigin: string | undefined,
): Promise<PushDevice> {
  const problem = pushEndpointProblem(input.endpoint, appOrigin);
  if (problem) throw invalid([{ path: 'body.endpoint', message: problem }]);
  const [row] = await db.query<PushDevice>(
    `WITH ${meCte},
     person AS (SELECT * FROM me LIMIT 1),
     before AS (SELECT * FROM push_subscriptions WHERE endpoint = :endpoint),
     written AS (
       INSERT INTO push_subscriptions (person_id, person_kind, user_sub, endpoint, p256dh, auth, device)
       SELECT id, kind, :actor, :endpoint, :p256dh, :auth, :device FROM person
       ON CONFLICT (endpoint) DO UPDATE
          SET person_id = excluded.person_id, person_kind = excluded.person_kind, user_sub = excluded.user_sub,
              p256dh = excluded.p256dh, auth = excluded.auth, device = coalesce(excluded.device, push_subscriptions.device)
       RETURNING *
     ),
     ${auditEntry({
       action: 'allow-push',
       entity: 'push-subscription',
       before: 'before',
       after: 'written',
       rows: 'one',
       people: ['person_id'],
     })}
     SELECT ${deviceColumns('written')} FROM written`,
    {
      actor,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      device: input.device ?? null,
    },
  );
  if (!row) throw notFound('A guardian or member of staff with your sign-in');
  return row;
}

/** Removes one of the caller's browsers (another person's is not found), audited. */
export async function removePushDevice(db: DataApiSession, actor: string, deviceId: string): Promise<void> {
  const [row] = await db.query(
    `WITH removed AS (
       DELETE FROM push_subscriptions WHERE id = :id AND user_sub = :actor RETURNING *
     ),
     ${auditEntry({ action: 'stop-push', entity: 'push-subscription', before: 'removed', rows: 'one', people: ['person_id'] })}
     SELECT 1 AS removed FROM removed`,
    { id: typed.uuid(deviceId), actor },
  );
  if (!row) throw notFound('This browser of yours');
}
