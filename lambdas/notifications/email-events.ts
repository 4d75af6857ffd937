import * as z from 'zod';
import type { SendingEventEffect } from './sending-events';

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
export function emailEffectOf(event: SesEmailEvent): SendingEventEffect | undefined {
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
