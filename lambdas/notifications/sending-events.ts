import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, typed } from '../shared/data-api';
import { emailEffectOf, sesEmailEvent, taggedMessage } from './email-events';
import { contextMessage, smsStatusEvent, textEffectOf } from './text-events';

/** What an event from SES or End User Messaging SMS does to the message it is about. */
export interface SendingEventEffect {
  /** The message's new status; null keeps it (the reason alone changes). */
  status: string | null;
  reason: string;
  /** Set when the address or number is to get nothing more: why. */
  undeliverable?: 'bounced' | 'complained';
}

/** A sending event read: the school and message it is about, the channel, and its effect (if any). */
export interface ReadSendingEvent {
  schoolId: string;
  messageId: string;
  channel: 'email' | 'sms';
  effect: SendingEventEffect | undefined;
}

/**
 * Reads an EventBridge event of either sending service; `invalid` for one of neither shape,
 * `foreign` for one about no message of the platform (another stage's or sent by hand).
 */
export function readSendingEvent(body: unknown): ReadSendingEvent | 'invalid' | 'foreign' {
  const email = sesEmailEvent.safeParse(body);
  if (email.success) {
    const tagged = taggedMessage(email.data);
    return tagged ? { ...tagged, channel: 'email', effect: emailEffectOf(email.data) } : 'foreign';
  }
  const text = smsStatusEvent.safeParse(body);
  if (text.success) {
    const found = contextMessage(text.data);
    return found ? { ...found, channel: 'sms', effect: textEffectOf(text.data) } : 'foreign';
  }
  return 'invalid';
}

/** SQL: how far a status is along (an event may arrive before its sender has recorded the send). */
const rank = (status: string) =>
  `(CASE ${status} WHEN 'queued' THEN 0 WHEN 'sending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`;

/**
 * Applies an event to its message in one statement: the status moves only forward (a late
 * delivery never undoes a bounce), and an address or number that bounced or complained is
 * recorded as undeliverable, audited as a write of the school's data.
 */
export async function applySendingEvent(
  db: DataApiSession,
  event: Pick<ReadSendingEvent, 'messageId' | 'channel'> & { effect: SendingEventEffect },
): Promise<boolean> {
  const { effect } = event;
  const [row] = await db.query<{ changed: number }>(
    `WITH applied AS (
       UPDATE notification_messages
          SET status = coalesce(:status, status), reason = :reason, updated_at = now()
        WHERE id = :id AND channel = :channel
          AND ${rank('status')} <= ${rank('coalesce(:status, status)')}
       RETURNING id, recipient_id, address, channel
     ),
     undeliverable AS (
       INSERT INTO undeliverable_addresses (address, channel, reason)
       SELECT CASE channel WHEN 'email' THEN lower(address) ELSE address END, channel, :undeliverable
         FROM applied WHERE :undeliverable::text IS NOT NULL
       ON CONFLICT (address) DO NOTHING
       RETURNING address, reason, (SELECT recipient_id FROM applied LIMIT 1) AS recipient_id
     ),
     ${auditEntry({
       action: 'mark-undeliverable',
       entity: 'address',
       after: 'undeliverable',
       rows: 'one',
       entityId: '(SELECT address FROM undeliverable)',
       people: ['recipient_id'],
     })}
     SELECT (SELECT count(*) FROM applied)::int AS changed`,
    {
      id: typed.uuid(event.messageId),
      channel: event.channel,
      status: effect.status,
      reason: effect.reason,
      undeliverable: effect.undeliverable ?? null,
    },
  );
  return row!.changed > 0;
}
