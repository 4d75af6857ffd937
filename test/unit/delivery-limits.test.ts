import { describe, expect, it } from 'vitest';
import type { MessageSenders, OutgoingMessage } from '../../lambdas/notifications/channels';
import { atMostAtOnce } from '../../lambdas/notifications/delivery-worker';

describe('the senders of one invocation', () => {
  it('keep at most the limit of sends in flight, and send every message', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return { status: 'sent' as const, providerId: 'x' };
    };
    const senders: MessageSenders = atMostAtOnce({ email: slow, sms: slow, push: slow }, 5);
    const message = { id: 'm' } as OutgoingMessage;
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 ? senders.email(message) : senders.sms(message))),
    );
    expect(outcomes).toHaveLength(60);
    expect(most).toBe(5);
  });
});
