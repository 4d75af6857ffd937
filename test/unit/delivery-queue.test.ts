import { type SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queueAnnouncementForDelivery, queueForDelivery } from '../../lambdas/notifications/delivery-queue';
import { bulkDeliveryQueue, urgentDeliveryQueue } from '../../lambdas/shared/queues';

/** SQS itself is not called: the test reads what would be sent (a mock, named so). */
describe('queueing messages for their senders (SQS client mocked)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('names the school as each queue message’s group, so SQS fair queues keep one school’s backlog from another’s', async () => {
    vi.stubEnv(bulkDeliveryQueue.urlVariable, 'https://sqs.example/bulk');
    vi.stubEnv(urgentDeliveryQueue.urlVariable, 'https://sqs.example/urgent');
    const send = vi.spyOn(SQSClient.prototype, 'send').mockResolvedValue({ Successful: [], Failed: [] } as never);
    await queueAnnouncementForDelivery('school-a', '00000000-0000-4000-8000-000000000001', 260);
    await queueForDelivery('school-b', ['00000000-0000-4000-8000-000000000002'], 'urgent');
    const sent = send.mock.calls.map(([command]) => command as SendMessageBatchCommand);
    const entries = sent.flatMap((command) =>
      (command.input.Entries ?? []).map((entry) => ({ queue: command.input.QueueUrl, group: entry.MessageGroupId })),
    );
    // 260 messages in parts of 25: 11 queue messages of school A, then school B's one.
    expect(entries).toHaveLength(12);
    expect(entries.slice(0, 11).every((e) => e.group === 'school-a' && e.queue === 'https://sqs.example/bulk')).toBe(
      true,
    );
    expect(entries[11]).toEqual({ queue: 'https://sqs.example/urgent', group: 'school-b' });
  });
});
