import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addressKey, recipientsOf } from './addresses';

/** An e-mail as the local SES accepted it, with what became of it for each recipient. */
export interface SentEmail {
  readonly kind: 'email';
  readonly id: string;
  readonly time: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly replyTo: readonly string[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  /** Headers the sender set (List-Unsubscribe, List-Unsubscribe-Post…). */
  readonly headers: Readonly<Record<string, string>>;
  readonly configurationSet?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Recipients SES accepted the message for but did not attempt: on the account-level suppression list. */
  readonly suppressed: readonly string[];
}

/** A text message as the local End User Messaging SMS accepted it. */
export interface SentSms {
  readonly kind: 'sms';
  readonly id: string;
  readonly time: string;
  readonly to: string;
  readonly from?: string;
  readonly body: string;
  readonly messageType: 'TRANSACTIONAL' | 'PROMOTIONAL';
  readonly configurationSet?: string;
  readonly context: Readonly<Record<string, string>>;
}

/** A push message as the local push service took it for a browser (RFC 8030): encrypted, so only the browser reads it. */
export interface SentPush {
  readonly kind: 'push';
  readonly id: string;
  readonly time: string;
  /** The browser's endpoint on the local push service. */
  readonly endpoint: string;
  readonly ttl: number;
  readonly urgency: string;
  readonly topic?: string;
  /** The sender's contact, from its VAPID token (RFC 8292). */
  readonly subscriber: string;
  /** The aes128gcm body (RFC 8291), base64. */
  readonly body: string;
}

export type SentMessage = SentEmail | SentSms | SentPush;

/** What a recipient's side did: the events SES and SMS would report, kept in order. */
export interface DeliveryEvent {
  readonly kind: 'delivery-event';
  readonly id: string;
  readonly time: string;
  readonly messageId: string;
  readonly channel: 'email' | 'sms';
  /** SES: Send, Delivery, Bounce, Complaint; SMS: TEXT_DELIVERED, TEXT_INVALID, TEXT_BLOCKED, INBOUND_STOP. */
  readonly type: string;
  readonly recipient: string;
  readonly subType?: string;
}

type Entry =
  | SentMessage
  | DeliveryEvent
  | { kind: 'suppress'; time: string; email: string; reason: 'BOUNCE' | 'COMPLAINT' }
  | { kind: 'unsuppress'; time: string; email: string }
  | { kind: 'opt-out'; time: string; list: string; number: string; endUser: boolean }
  | { kind: 'opt-in'; time: string; list: string; number: string }
  | { kind: 'push-gone'; time: string; endpoint: string };

export interface Suppression {
  readonly email: string;
  readonly reason: 'BOUNCE' | 'COMPLAINT';
  readonly time: string;
}

export interface OptOut {
  readonly number: string;
  readonly time: string;
  /** True when the recipient opted out by replying (STOP), false when the account put it there. */
  readonly endUser: boolean;
}

/**
 * Every e-mail and text message the local platform sent, the account-level suppression list,
 * the opt-out lists and the delivery events, journaled (one JSON line each, under the state
 * directory) so the mailbox survives a restart. No message leaves this machine.
 */
export class Mailbox {
  private readonly messages: SentMessage[] = [];
  private readonly events: DeliveryEvent[] = [];
  private readonly suppressions = new Map<string, Suppression>();
  private readonly optOuts = new Map<string, Map<string, OptOut>>();
  private readonly listeners = new Set<(event: DeliveryEvent) => void>();
  private readonly goneEndpoints = new Set<string>();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (line.trim()) this.apply(JSON.parse(line) as Entry);
      }
    }
  }

  /** Called with every delivery event as it happens (SES and SMS event destinations). */
  onEvent(listener: (event: DeliveryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addEmail(email: Omit<SentEmail, 'kind' | 'id' | 'time' | 'suppressed'>): SentEmail {
    const recipients = recipientsOf(email);
    const sent: SentEmail = {
      kind: 'email',
      id: `local-${randomUUID()}`,
      time: new Date().toISOString(),
      ...email,
      suppressed: recipients.filter((recipient) => this.suppressions.has(addressKey(recipient))),
    };
    this.record(sent);
    for (const recipient of recipients) {
      this.event(sent.id, 'email', 'Send', recipient);
      if (sent.suppressed.includes(recipient))
        this.event(sent.id, 'email', 'Bounce', recipient, 'OnAccountSuppressionList');
      else this.event(sent.id, 'email', 'Delivery', recipient);
    }
    return sent;
  }

  addSms(sms: Omit<SentSms, 'kind' | 'id' | 'time'>): SentSms {
    const sent: SentSms = { kind: 'sms', id: randomUUID(), time: new Date().toISOString(), ...sms };
    this.record(sent);
    this.event(sent.id, 'sms', 'TEXT_DELIVERED', sent.to);
    return sent;
  }

  addPush(push: Omit<SentPush, 'kind' | 'id' | 'time'>): SentPush {
    const sent: SentPush = { kind: 'push', id: randomUUID(), time: new Date().toISOString(), ...push };
    this.record(sent);
    return sent;
  }

  /** The browser dropped its subscription (the person turned notifications off): its push service answers 410. */
  expireEndpoint(endpoint: string): void {
    if (!this.goneEndpoints.has(endpoint)) this.record({ kind: 'push-gone', time: new Date().toISOString(), endpoint });
  }

  isGone(endpoint: string): boolean {
    return this.goneEndpoints.has(endpoint);
  }

  /** Newest first, optionally only those to one address, number or push endpoint. */
  list(to?: string): SentMessage[] {
    const wanted = to === undefined ? undefined : addressKey(to);
    return this.messages
      .filter(
        (m) =>
          wanted === undefined ||
          (m.kind === 'email'
            ? recipientsOf(m).map(addressKey).includes(wanted)
            : m.kind === 'sms'
              ? m.to === wanted
              : m.endpoint === to),
      )
      .reverse();
  }

  get(id: string): SentMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  eventsOf(messageId: string): DeliveryEvent[] {
    return this.events.filter((e) => e.messageId === messageId);
  }

  /**
   * The recipient's mail server refused it (a hard bounce) or the recipient marked it as spam:
   * SES reports the event and, with the suppression list on for that reason, suppresses the address.
   */
  simulateEmailFeedback(messageId: string, recipient: string, type: 'Bounce' | 'Complaint'): DeliveryEvent {
    const email = this.get(messageId);
    if (email?.kind !== 'email') throw new Error(`No e-mail ${messageId}.`);
    if (!recipientsOf(email).map(addressKey).includes(addressKey(recipient))) {
      throw new Error(`${recipient} is not a recipient of ${messageId}.`);
    }
    const event = this.event(messageId, 'email', type, recipient, type === 'Bounce' ? 'General' : undefined);
    this.suppress(recipient, type === 'Bounce' ? 'BOUNCE' : 'COMPLAINT');
    return event;
  }

  /** The carrier reported the text undelivered: the number does not exist (TEXT_INVALID) or it was blocked (TEXT_BLOCKED). */
  simulateTextFailure(messageId: string, type: 'TEXT_INVALID' | 'TEXT_BLOCKED'): DeliveryEvent {
    const sms = this.get(messageId);
    if (sms?.kind !== 'sms') throw new Error(`No text message ${messageId}.`);
    return this.event(messageId, 'sms', type, sms.to);
  }

  /** The recipient replied STOP: the number joins the message's opt-out list, and the event says so. */
  simulateStopReply(messageId: string, list = 'Default'): DeliveryEvent {
    const sms = this.get(messageId);
    if (sms?.kind !== 'sms') throw new Error(`No text message ${messageId}.`);
    this.optOut(list, sms.to, true);
    return this.event(messageId, 'sms', 'INBOUND_STOP', sms.to);
  }

  suppress(email: string, reason: 'BOUNCE' | 'COMPLAINT'): Suppression {
    this.record({ kind: 'suppress', time: new Date().toISOString(), email: addressKey(email), reason });
    return this.suppressions.get(addressKey(email))!;
  }

  unsuppress(email: string): boolean {
    if (!this.suppressions.has(addressKey(email))) return false;
    this.record({ kind: 'unsuppress', time: new Date().toISOString(), email: addressKey(email) });
    return true;
  }

  suppression(email: string): Suppression | undefined {
    return this.suppressions.get(addressKey(email));
  }

  suppressed(): Suppression[] {
    return [...this.suppressions.values()];
  }

  optOut(list: string, number: string, endUser = false): OptOut {
    this.record({ kind: 'opt-out', time: new Date().toISOString(), list, number, endUser });
    return this.optOuts.get(list)!.get(number)!;
  }

  optIn(list: string, number: string): boolean {
    if (!this.optOuts.get(list)?.has(number)) return false;
    this.record({ kind: 'opt-in', time: new Date().toISOString(), list, number });
    return true;
  }

  optedOut(list: string): OptOut[] {
    return [...(this.optOuts.get(list)?.values() ?? [])];
  }

  isOptedOut(list: string, number: string): boolean {
    return this.optOuts.get(list)?.has(number) ?? false;
  }

  private event(
    messageId: string,
    channel: DeliveryEvent['channel'],
    type: string,
    recipient: string,
    subType?: string,
  ): DeliveryEvent {
    const event: DeliveryEvent = {
      kind: 'delivery-event',
      id: randomUUID(),
      time: new Date().toISOString(),
      messageId,
      channel,
      type,
      recipient,
      ...(subType ? { subType } : {}),
    };
    this.record(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  private record(entry: Entry): void {
    this.apply(entry);
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  private apply(entry: Entry): void {
    switch (entry.kind) {
      case 'email':
      case 'sms':
      case 'push':
        this.messages.push(entry);
        break;
      case 'delivery-event':
        this.events.push(entry);
        break;
      case 'suppress':
        this.suppressions.set(entry.email, { email: entry.email, reason: entry.reason, time: entry.time });
        break;
      case 'unsuppress':
        this.suppressions.delete(entry.email);
        break;
      case 'opt-out': {
        const list = this.optOuts.get(entry.list) ?? new Map<string, OptOut>();
        list.set(entry.number, { number: entry.number, time: entry.time, endUser: entry.endUser });
        this.optOuts.set(entry.list, list);
        break;
      }
      case 'opt-in':
        this.optOuts.get(entry.list)?.delete(entry.number);
        break;
      case 'push-gone':
        this.goneEndpoints.add(entry.endpoint);
        break;
    }
  }
}
