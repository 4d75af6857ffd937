import * as z from 'zod';
import type { SendingEventEffect } from './sending-events';

/**
 * What End User Messaging SMS tells of a text message after it was sent: its "Text Message
 * Delivery Status Updated" events, which the service puts on EventBridge's default bus (source
 * `aws.sms-voice`) by itself. The sender's `Context` (school and message) comes back in each,
 * which is how an event finds its message. Carriers may report up to 72 hours later.
 */
export const smsStatusEvent = z.object({
  source: z.literal('aws.sms-voice'),
  'detail-type': z.literal('Text Message Delivery Status Updated'),
  detail: z.object({
    eventType: z.string(),
    messageId: z.string(),
    messageStatusDescription: z.string().optional(),
    context: z.record(z.string(), z.string()).optional(),
  }),
});
export type SmsStatusEvent = z.infer<typeof smsStatusEvent>;

/** The school and message a text's event is about, from the context the sender set. */
export function contextMessage(event: SmsStatusEvent): { schoolId: string; messageId: string } | undefined {
  const schoolId = event.detail.context?.school;
  const messageId = event.detail.context?.message;
  return schoolId && messageId && z.uuid().safeParse(messageId).success ? { schoolId, messageId } : undefined;
}

/** Final failures, and why, as the school reads them in the delivery report. */
const failures: Readonly<Record<string, string>> = {
  TEXT_BLOCKED: 'the recipient’s phone or carrier blocks text messages from the school',
  TEXT_CARRIER_BLOCKED: 'the carrier blocked it',
  TEXT_SPAM: 'the carrier took it for spam',
  TEXT_PROTECT_BLOCKED: 'the stage’s SMS protection blocked it',
  TEXT_TTL_EXPIRED: 'it could not be delivered in time',
  TEXT_UNREACHABLE: 'the phone was off or out of reach',
  TEXT_CARRIER_UNREACHABLE: 'the carrier could not be reached',
  TEXT_INVALID_MESSAGE: 'the text could not be sent as written',
  TEXT_UNKNOWN: 'the carrier did not say what became of it',
};

/**
 * The message's new status for a text's event, or undefined for one that changes nothing: a
 * number that does not exist is a bounce (nothing more is sent to it); queued and pending are
 * on the way and change nothing.
 */
export function textEffectOf(event: SmsStatusEvent): SendingEventEffect | undefined {
  const { eventType } = event.detail;
  switch (eventType) {
    case 'TEXT_DELIVERED':
    case 'TEXT_SUCCESSFUL':
      return { status: 'delivered', reason: 'delivered to the phone’s carrier' };
    case 'TEXT_INVALID':
      return { status: 'bounced', reason: 'the number does not exist', undeliverable: 'bounced' };
    default:
      return failures[eventType] ? { status: 'failed', reason: failures[eventType] } : undefined;
  }
}
