import { describe, expect, it } from 'vitest';
import { readSendingEvent } from '../../lambdas/notifications/sending-events';

const school = 'oak-academy';
const message = '4f9d1a62-2b1e-4c1f-9a57-3d2f8f0b6a11';

/** A text's status event as End User Messaging SMS puts it on EventBridge. */
const textEvent = (eventType: string, context: Record<string, string> = { school, message }) => ({
  source: 'aws.sms-voice',
  'detail-type': 'Text Message Delivery Status Updated',
  detail: { eventType, messageId: 'sms-1', isFinal: true, context },
});

describe('sending events', () => {
  it('reads a text’s status: delivered, a number that does not exist bounces, a block fails, queued changes nothing', () => {
    const effect = (type: string) => {
      const read = readSendingEvent(textEvent(type));
      if (typeof read === 'string') throw new Error(read);
      expect(read).toMatchObject({ schoolId: school, messageId: message, channel: 'sms' });
      return read.effect;
    };
    expect(effect('TEXT_DELIVERED')?.status).toBe('delivered');
    expect(effect('TEXT_SUCCESSFUL')?.status).toBe('delivered');
    expect(effect('TEXT_INVALID')).toEqual({
      status: 'bounced',
      reason: 'the number does not exist',
      undeliverable: 'bounced',
    });
    for (const type of ['TEXT_BLOCKED', 'TEXT_SPAM', 'TEXT_CARRIER_BLOCKED', 'TEXT_TTL_EXPIRED', 'TEXT_UNKNOWN']) {
      expect(effect(type), type).toMatchObject({ status: 'failed' });
      expect(effect(type)?.undeliverable, type).toBeUndefined();
    }
    expect(effect('TEXT_QUEUED')).toBeUndefined();
    expect(effect('TEXT_PENDING')).toBeUndefined();
  });

  it('reads an SES event by its tags, and tells apart events about no message and events of neither service', () => {
    const read = readSendingEvent({
      source: 'aws.ses',
      'detail-type': 'Email Complaint Received',
      detail: {
        eventType: 'Complaint',
        mail: { messageId: 'ses-1', tags: { school: [school], message: [message] } },
        complaint: { complainedRecipients: [{ emailAddress: 'a@b.test' }] },
      },
    });
    expect(read).toMatchObject({ channel: 'email', effect: { status: 'complained', undeliverable: 'complained' } });
    expect(readSendingEvent(textEvent('TEXT_DELIVERED', {}))).toBe('foreign');
    expect(readSendingEvent(textEvent('TEXT_DELIVERED', { school, message: 'not-a-uuid' }))).toBe('foreign');
    expect(readSendingEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toBe('invalid');
  });
});
