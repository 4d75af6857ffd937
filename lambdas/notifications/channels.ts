import {
  ConflictException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { webPushSender } from './web-push-sender';
import {
  emailConfigurationSetVariable,
  mailFromVariable,
  smsConfigurationSetVariable,
} from '../shared/platform-variables';

/** A message as its sender gets it. */
export interface OutgoingMessage {
  readonly id: string;
  readonly schoolId: string;
  readonly schoolName: string;
  readonly channel: 'email' | 'sms' | 'push';
  /** The e-mail address or number; none for a push, which goes to each of `subscriptions`. */
  readonly address: string | null;
  readonly subject: string;
  readonly body: string;
  /** Where a non-essential message's one-click unsubscribe goes (RFC 8058); absent for an essential one. */
  readonly unsubscribeUrl?: string;
  /** A push's browsers: where their push services take it and the keys it is encrypted to. */
  readonly subscriptions?: readonly PushSubscriptionRecord[];
  /** Urgent messages ask push services to deliver at once (RFC 8030 `Urgency: high`). */
  readonly urgent?: boolean;
  /** Where a push notification's click opens the app. */
  readonly openUrl?: string;
}

/** One browser that allowed the school's notifications (a row of `push_subscriptions`). */
export interface PushSubscriptionRecord {
  readonly id: string;
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/**
 * What became of one send: sent (with the provider's id), or refused for good with a reason.
 * A send that may succeed when tried again throws instead.
 */
export type SendOutcome = (
  | { readonly status: 'sent'; readonly providerId: string }
  | { readonly status: 'opted-out' | 'failed'; readonly reason: string }
) & {
  /** Browsers whose push service said the subscription is gone (404, 410): they are removed. */
  readonly goneSubscriptions?: readonly string[];
};

/** How messages leave the platform, one channel each; tests and benches may give their own. */
export interface MessageSenders {
  email(message: OutgoingMessage): Promise<SendOutcome>;
  sms(message: OutgoingMessage): Promise<SendOutcome>;
  push(message: OutgoingMessage): Promise<SendOutcome>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

/** A display name as a header carries it: as is in ASCII, else an RFC 2047 encoded word. */
export function displayName(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name)) return `"${name.replace(/["\\]/g, '')}"`;
  return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => htmlEscapes[c]!);

/** The body as a simple HTML page: paragraphs of the text, nothing fetched from elsewhere. */
function htmlOf(body: string): string {
  const paragraphs = body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
  return `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">${paragraphs}</body></html>`;
}

/** SES v2 and End User Messaging SMS, through the stage's configuration sets; Web Push with the stage's VAPID keys. */
export function awsSenders(): MessageSenders {
  const ses = new SESv2Client({});
  const sms = new PinpointSMSVoiceV2Client({});
  return {
    async email(message) {
      const headers = message.unsubscribeUrl
        ? [
            { Name: 'List-Unsubscribe', Value: `<${message.unsubscribeUrl}>` },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ]
        : [];
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: `${displayName(message.schoolName)} <${required(mailFromVariable)}>`,
          Destination: { ToAddresses: [message.address!] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.body, Charset: 'UTF-8' },
                Html: { Data: htmlOf(message.body), Charset: 'UTF-8' },
              },
              ...(headers.length ? { Headers: headers } : {}),
            },
          },
          ConfigurationSetName: required(emailConfigurationSetVariable),
          // Bounce and complaint events name the school and the message they are about.
          EmailTags: [
            { Name: 'school', Value: message.schoolId },
            { Name: 'message', Value: message.id },
          ],
        }),
      );
      return { status: 'sent', providerId: out.MessageId! };
    },
    async sms(message) {
      try {
        const out = await sms.send(
          new SendTextMessageCommand({
            DestinationPhoneNumber: message.address!,
            MessageBody: message.body,
            MessageType: 'TRANSACTIONAL',
            ConfigurationSetName: required(smsConfigurationSetVariable),
            Context: { school: message.schoolId, message: message.id },
          }),
        );
        return { status: 'sent', providerId: out.MessageId! };
      } catch (error) {
        if (error instanceof ConflictException && error.Reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT') {
          return { status: 'opted-out', reason: 'the number replied STOP' };
        }
        throw error;
      }
    },
    push: webPushSender(),
  };
}
