import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, jsonColumn, typed } from '../shared/data-api';
import {
  invitationLinkMarker,
  languageOf,
  type MessageLanguage,
  unsubscribableKinds,
} from '../shared/notification-kinds';
import { linkToken, type NotificationKeys, readNotificationKeys } from '../shared/notification-keys';
import { logger } from '../shared/observability';
import { appOriginVariable } from '../shared/platform-variables';
import type { MessageSenders, OutgoingMessage, SendOutcome } from './channels';
import type { DeliverySelection } from './delivery-queue';
import { SendRateExceeded, takeSendAllowance } from './send-allowance';

/** A message as claimed: with its language and the kind of its request. */
type ClaimedMessage = Omit<OutgoingMessage, 'schoolId' | 'schoolName' | 'urgent'> & {
  locale: string;
  kind: string;
  urgency: 'urgent' | 'bulk';
};

const unsubscribeFooter: Readonly<Record<MessageLanguage, string>> = {
  en: 'To stop receiving these e-mails: {url}',
  pt: 'Para deixar de receber estes e-mails: {url}',
};

/**
 * A claimed message as its sender gets it. A non-essential e-mail carries its one-click
 * unsubscribe link (RFC 8058), in its headers and at the foot of its text; the link names the
 * message itself, so it needs no secret and stops only its recipient's e-mails of its category.
 */
export function outgoingMessage(
  message: ClaimedMessage,
  schoolId: string,
  schoolName: string,
  appOrigin: string | undefined,
  keys?: Pick<NotificationKeys, 'linkKey'>,
): OutgoingMessage {
  const { locale, kind, urgency, ...claimed } = message;
  const sent = { ...claimed, urgent: urgency === 'urgent' };
  if (kind === 'invitation') {
    // Signed now, with the message's own id: the stored body holds only the marker.
    if (!appOrigin || !keys) throw new Error('An invitation needs the app origin and the link key.');
    const link = `${appOrigin}/api/invitations/${schoolId}/${message.id}?token=${linkToken(keys, schoolId, message.id)}`;
    return { ...sent, body: sent.body.replaceAll(invitationLinkMarker, link), schoolId, schoolName };
  }
  const unsubscribable = (unsubscribableKinds as readonly string[]).includes(kind);
  if (message.channel !== 'email' || !unsubscribable || !appOrigin) return { ...sent, schoolId, schoolName };
  const unsubscribeUrl = `${appOrigin}/api/notifications/unsubscribe/${schoolId}/${message.id}`;
  const footer = unsubscribeFooter[languageOf(locale)].replace('{url}', unsubscribeUrl);
  return { ...sent, body: `${sent.body}\n\n--\n${footer}`, schoolId, schoolName, unsubscribeUrl };
}

/** A claim older than this is taken to be of a sender that stopped: the message may be claimed again. */
export const staleClaimSeconds = 600;

/** What one delivery did. */
export interface DeliveryOutcome {
  sent: number;
  refused: number;
  /** Sends that may succeed later: their messages wait in the queue again. */
  retry: number;
  /** Messages already sent or claimed by another sender: left alone. */
  skipped: number;
}

/**
 * Sends some of a school's queued messages, each at most once: a message is claimed (queued →
 * sending, in one statement for all) before it is sent, so a second copy of the queue message,
 * or a retry after a sender stopped, finds nothing to send; the message's id goes with the send
 * as its idempotency key, in the e-mail's tags and the text's context. Outcomes are written in
 * a second statement; a send that failed for a while puts its message back to queued, and
 * the call throws so the queue retries it.
 */
export async function deliverMessages(
  db: DataApiSession,
  schoolId: string,
  selection: DeliverySelection,
  senders: MessageSenders,
  /** The school's rate, messages a second, for bulk sends; none for urgent ones. */
  sendsPerSecond?: number,
): Promise<DeliveryOutcome> {
  const chosen =
    'messageIds' in selection
      ? {
          where: 'm.id IN (SELECT (jsonb_array_elements_text(:ids::jsonb))::uuid)',
          params: { ids: typed.json(selection.messageIds) },
        }
      : {
          where: 'm.request_id = :requestId AND mod(abs(hashtext(m.id::text)), :parts) = :part',
          params: { requestId: typed.uuid(selection.requestId), parts: selection.parts, part: selection.part },
        };
  const [claimed] = await db.query<{ messages: string; school: string }>(
    `WITH claimed AS (
       UPDATE notification_messages m
          SET status = 'sending', claimed_at = now(), attempts = attempts + 1, updated_at = now()
         FROM notification_requests q
        WHERE ${chosen.where}
          AND q.id = m.request_id
          AND m.channel IN ('email', 'sms', 'push')
          AND (m.status = 'queued' OR (m.status = 'sending' AND m.claimed_at < now() - make_interval(secs => :stale)))
       RETURNING m.id, m.channel, m.address, m.subject, m.body, m.locale, q.kind, q.urgency,
                 -- A push goes to each browser its recipient allowed.
                 CASE WHEN m.channel = 'push' THEN (
                   SELECT json_agg(json_build_object('id', ps.id, 'endpoint', ps.endpoint, 'p256dh', ps.p256dh,
                                                     'auth', ps.auth))
                     FROM push_subscriptions ps WHERE ps.person_id = m.recipient_id) END AS subscriptions
     )
     SELECT (SELECT coalesce(json_agg(claimed), '[]') FROM claimed)::text AS messages,
            (SELECT name FROM school_settings) AS school`,
    { ...chosen.params, stale: staleClaimSeconds },
  );
  const messages = jsonColumn<ClaimedMessage[]>(claimed!.messages);
  const appOrigin = process.env[appOriginVariable];
  const keys = messages.some((m) => m.kind === 'invitation') ? await readNotificationKeys() : undefined;
  type Outcome = { id: string } & (SendOutcome | { status: 'retry'; reason: string });
  const send = async (message: ClaimedMessage): Promise<Outcome> => {
    try {
      const outgoing = outgoingMessage(message, schoolId, claimed!.school, appOrigin, keys);
      return { id: message.id, ...(await senders[message.channel](outgoing)) };
    } catch (error) {
      logger.warn('a send failed; it is tried again', { messageId: message.id, channel: message.channel, error });
      return { id: message.id, status: 'retry', reason: String((error as Error).name ?? error) };
    }
  };
  // At the school's rate, each slice is sent as soon as its second's allowance is taken, so the
  // sends themselves keep the pace; when the allowance does not come, the rest is given back.
  const slice = sendsPerSecond ?? Math.max(1, messages.length);
  const outcomes: Outcome[] = [];
  for (let start = 0; start < messages.length; start += slice) {
    const part = messages.slice(start, start + slice);
    if (sendsPerSecond) {
      try {
        await takeSendAllowance(db, part.length, sendsPerSecond);
      } catch (error) {
        if (!(error instanceof SendRateExceeded)) throw error;
        const rest = messages.slice(start);
        outcomes.push(...rest.map((m): Outcome => ({ id: m.id, status: 'retry', reason: error.message })));
        break;
      }
    }
    outcomes.push(...(await Promise.all(part.map(send))));
  }
  const gone = outcomes.flatMap((o) => ('goneSubscriptions' in o ? (o.goneSubscriptions ?? []) : []));
  if (gone.length) await removeGoneSubscriptions(db, gone);
  if (outcomes.length) {
    await db.query(
      `WITH outcome AS (
         SELECT * FROM jsonb_to_recordset(:outcomes::jsonb) AS o(id uuid, status text, "providerId" text, reason text)
       ),
       recorded AS (
         UPDATE notification_messages m
            -- SES's events may have told of the message already (delivered, bounced): they stand.
            SET status = CASE WHEN m.status <> 'sending' THEN m.status
                              WHEN o.status = 'retry' THEN 'queued' ELSE o.status END,
                provider_id = o."providerId", updated_at = now(),
                reason = CASE WHEN m.status <> 'sending' THEN m.reason ELSE o.reason END,
                sent_at = CASE o.status WHEN 'sent' THEN now() END
           FROM outcome o
          WHERE m.id = o.id AND m.status NOT IN ('queued')
         RETURNING m.channel, m.address, m.status, m.recipient_id
       ),
       -- A number that replied STOP: nothing more is sent to it.
       undeliverable AS (
         INSERT INTO undeliverable_addresses (address, channel, reason)
         SELECT DISTINCT address, channel, 'opted-out' FROM recorded WHERE status = 'opted-out'
         ON CONFLICT (address) DO NOTHING
         RETURNING address, channel, reason
       ),
       opted_out AS (
         SELECT u.*, r.recipient_id FROM undeliverable u JOIN recorded r ON r.address = u.address
       ),
       ${auditEntry({
         action: 'mark-undeliverable',
         entity: 'address',
         after: 'opted_out',
         rows: 'many',
         people: ['recipient_id'],
       })}
       SELECT count(*) FROM recorded`,
      { outcomes: typed.json(outcomes.map((o) => ({ ...o, goneSubscriptions: undefined }))) },
    );
  }
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const outcome = {
    sent: count('sent'),
    refused: count('failed') + count('opted-out'),
    retry: count('retry'),
    skipped: 'messageIds' in selection ? selection.messageIds.length - messages.length : 0,
  };
  if (outcome.retry) throw new DeliveryRetry(outcome);
  return outcome;
}

/** Browsers whose push service said their subscription is gone: nothing more is pushed to them. */
async function removeGoneSubscriptions(db: DataApiSession, ids: readonly string[]): Promise<void> {
  await db.query(
    `WITH removed AS (
       DELETE FROM push_subscriptions WHERE id IN (SELECT (jsonb_array_elements_text(:ids::jsonb))::uuid)
       RETURNING id, person_id, person_kind, endpoint, created_at
     ),
     ${auditEntry({ action: 'expire', entity: 'push-subscription', before: 'removed', rows: 'many', people: ['person_id'] })}
     SELECT count(*) FROM removed`,
    { ids: typed.json(ids) },
  );
}

/** Some sends of a delivery failed for a while: the queue message is to be retried. */
export class DeliveryRetry extends Error {
  constructor(readonly outcome: DeliveryOutcome) {
    super(`${outcome.retry} of the messages could not be sent yet`);
    this.name = 'DeliveryRetry';
  }
}
