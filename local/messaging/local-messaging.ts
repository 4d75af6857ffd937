import { join } from 'node:path';
import type { RunningServer } from '../http-server';
import type { LocalEventLog } from '../events/event-log';
import type { LocalIam } from '../iam/local-iam';
import { recipientsOf } from './addresses';
import { type DeliveryEvent, Mailbox } from './mailbox';
import { startLocalSes } from './ses-server';
import { startLocalSms } from './sms-server';

export interface LocalMessaging {
  readonly mailbox: Mailbox;
  /** SES v2 (`AWS_ENDPOINT_URL_SESV2`) and End User Messaging SMS (`AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`). */
  readonly sesUrl: string;
  readonly smsUrl: string;
  close(): Promise<void>;
}

/** SES's EventBridge detail types for the events the local SES reports. */
const sesDetailTypes: Readonly<Record<string, string>> = {
  Send: 'Email Sent',
  Delivery: 'Email Delivered',
  Bounce: 'Email Bounced',
  Complaint: 'Email Complaint Received',
};

/**
 * A text's status event as End User Messaging SMS puts it on EventBridge's default bus by itself
 * (source `aws.sms-voice`), with the sender's context; a STOP reply is not a status event there
 * (the number joins the opt-out list, and the next send is refused).
 */
function publishTextEvent(events: LocalEventLog, mailbox: Mailbox, event: DeliveryEvent): void {
  const text = mailbox.get(event.messageId);
  if (text?.kind !== 'sms' || event.type === 'INBOUND_STOP') return;
  const delivered = event.type === 'TEXT_DELIVERED';
  events.putEvent({
    source: 'aws.sms-voice',
    detailType: 'Text Message Delivery Status Updated',
    eventBusName: 'default',
    detail: {
      eventType: event.type,
      eventVersion: '1.0',
      eventTimestamp: Date.parse(event.time),
      isFinal: true,
      destinationPhoneNumber: text.to,
      messageId: text.id,
      messageRequestTimestamp: Date.parse(text.time),
      messageType: text.messageType,
      messageStatus: delivered ? 'DELIVERED' : event.type.replace(/^TEXT_/, ''),
      messageStatusDescription: delivered ? 'Message has been accepted by phone' : `Not delivered: ${event.type}`,
      context: text.context,
    },
  });
}

/**
 * E-mail and text messages on the local platform: the SES v2 and End User Messaging SMS
 * endpoints over one mailbox under the state directory. Events of e-mails sent with a
 * configuration set go where its event destination sends them on AWS: EventBridge's default
 * bus (`aws.ses`), here the platform's event log, as do texts' status events (`aws.sms-voice`).
 */
export async function startLocalMessaging(options: {
  stateDir: string;
  iam: LocalIam;
  events: LocalEventLog;
}): Promise<LocalMessaging> {
  const mailbox = new Mailbox(join(options.stateDir, 'mailbox.jsonl'));
  mailbox.onEvent((event: DeliveryEvent) => {
    if (event.channel === 'sms') return publishTextEvent(options.events, mailbox, event);
    const email = mailbox.get(event.messageId);
    if (email?.kind !== 'email' || !email.configurationSet || !sesDetailTypes[event.type]) return;
    options.events.putEvent({
      source: 'aws.ses',
      detailType: sesDetailTypes[event.type]!,
      eventBusName: 'default',
      detail: {
        eventType: event.type,
        mail: {
          messageId: email.id,
          timestamp: email.time,
          source: email.from,
          destination: recipientsOf(email),
          // SES gives each tag as a list of values, the configuration set among them.
          tags: Object.fromEntries(
            Object.entries({ 'ses:configuration-set': email.configurationSet, ...email.tags }).map(
              ([name, value]): [string, string[]] => [name, [value]],
            ),
          ),
        },
        ...(event.type === 'Bounce'
          ? {
              bounce: {
                bounceType: 'Permanent',
                bounceSubType: event.subType ?? 'General',
                bouncedRecipients: [{ emailAddress: event.recipient }],
                timestamp: event.time,
              },
            }
          : {}),
        ...(event.type === 'Complaint'
          ? { complaint: { complainedRecipients: [{ emailAddress: event.recipient }], timestamp: event.time } }
          : {}),
        ...(event.type === 'Delivery' ? { delivery: { recipients: [event.recipient], timestamp: event.time } } : {}),
      },
    });
  });
  const servers: RunningServer[] = [];
  try {
    const ses = await startLocalSes({ mailbox, port: 0, iam: options.iam });
    servers.push(ses);
    const sms = await startLocalSms({ mailbox, port: 0, iam: options.iam });
    servers.push(sms);
    return {
      mailbox,
      sesUrl: ses.url,
      smsUrl: sms.url,
      close: async () => {
        await Promise.all(servers.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
}
