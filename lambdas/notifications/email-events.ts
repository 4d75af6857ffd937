import * as z from 'zod';
import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, typed } from '../shared/data-api';

/**
 * What SES tells of an e-mail after it was sent, through the configuration set's event
 * destination (EventBridge, source `aws.ses`), applied to the message it is about: delivered;
 * bounced for good or complained about (the address is then undeliverable: nothing more is
 * sent to it, and the school sees why); rejected or not rendered (failed). A bounce that is
 * only transient, or a delay, is kept as the reason and changes nothing else.
 */
export const sesEmailEvent = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.string(),
  detail: z.object({
    eventType: z.string(),
    mail: z.object({
      messageId: z.string(),
      // Every tag is a list of values; the sender set `school` and `message`.
      tags: z.record(z.string(), z.array(z.string())),
    }),
    bounce: z
      .object({
        bounceType: z.string(),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(z.object({ emailAddress: z.string() })),
      })
      .optional(),
    complaint: z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })) }).optional(),
  }),
});
export type SesEmailEvent = z.infer<typeof sesEmailEvent>;

/** The school and message an event is about, from the tags the sender set. */
export function taggedMessage(event: SesEmailEvent): { schoolId: string; messageId: string } | undefined {
  const schoolId = event.detail.mail.tags.school?.[0];
  const messageId = event.detail.mail.tags.message?.[0];
  return schoolId && messageId && z.uuid().safeParse(messageId).success ? { schoolId, messageId } : undefined;
}

/** The message's new status and reason for an event, or undefined for one that changes nothing. */
export function effectOf(
  event: SesEmailEvent,
): { status: string | null; reason: string; undeliverable?: string } | undefined {
  const { detail } = event;
  switch (detail.eventType) {
    case 'Delivery':
      return { status: 'delivered', reason: 'delivered to the recipient’s mail server' };
    case 'Bounce':
      return detail.bounce?.bounceType === 'Permanent'
        ? {
            status: 'bounced',
            reason: `bounced (${detail.bounce.bounceSubType ?? 'General'})`,
            undeliverable: 'bounced',
          }
        : { status: null, reason: `bounced for now (${detail.bounce?.bounceSubType ?? 'Transient'}); SES tries again` };
    case 'Complaint':
      return { status: 'complained', reason: 'the recipient marked it as spam', undeliverable: 'complained' };
    case 'Reject':
      return { status: 'failed', reason: 'SES rejected it (a virus was found)' };
    case 'Rendering Failure':
    case 'RenderingFailure':
      return { status: 'failed', reason: 'it could not be rendered' };
    case 'DeliveryDelay':
      return { status: null, reason: 'delivery is delayed; SES keeps trying' };
    default:
      return undefined;
  }
}

/** SQL: how far a status is along (an event may arrive before its sender has recorded the send). */
const rank = (status: string) =>
  `(CASE ${status} WHEN 'queued' THEN 0 WHEN 'sending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`;

/**
 * Applies an event to its message in one statement: the status moves only forward (a late
 * Delivery never undoes a Bounce), and an address that bounced or complained is recorded
 * as undeliverable, audited as a write of the school's data.
 */
export async function applyEmailEvent(db: DataApiSession, messageId: string, event: SesEmailEvent): Promise<boolean> {
  const effect = effectOf(event);
  if (!effect) return false;
  const [row] = await db.query<{ changed: number }>(
    `WITH applied AS (
       UPDATE notification_messages
          SET status = coalesce(:status, status), reason = :reason, updated_at = now()
        WHERE id = :id AND channel = 'email'
          AND ${rank('status')} <= ${rank('coalesce(:status, status)')}
       RETURNING id, recipient_id, address
     ),
     undeliverable AS (
       INSERT INTO undeliverable_addresses (address, channel, reason)
       SELECT lower(address), 'email', :undeliverable FROM applied WHERE :undeliverable::text IS NOT NULL
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
      id: typed.uuid(messageId),
      status: effect.status,
      reason: effect.reason,
      undeliverable: effect.undeliverable ?? null,
    },
  );
  return row!.changed > 0;
}
