import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { bulkDeliveryQueue, queueUrl, urgentDeliveryQueue } from '../shared/queues';

/** One message of a delivery queue: a few of one school's notification messages to send. */
export const deliveryBatch = z
  .object({
    schoolId: z.string().min(1),
    messageIds: z.array(z.uuid()).min(1).max(50),
  })
  .strict();
export type DeliveryBatch = z.infer<typeof deliveryBatch>;

/** Notification messages per queue message: small enough that one sender's retry repeats little. */
const idsPerQueueMessage = 25;
/** SendMessageBatch takes ten entries. */
const entriesPerCall = 10;

let sqs: SQSClient | undefined;

/**
 * Queues a school's messages for their senders, on the urgent or the bulk queue. Every entry
 * is sent or the call fails: a message left out would wait for the sweep.
 */
export async function queueForDelivery(
  schoolId: string,
  messageIds: readonly string[],
  urgency: 'urgent' | 'bulk',
): Promise<void> {
  const url = queueUrl(urgency === 'urgent' ? urgentDeliveryQueue : bulkDeliveryQueue);
  const bodies: string[] = [];
  for (let i = 0; i < messageIds.length; i += idsPerQueueMessage) {
    const batch: DeliveryBatch = { schoolId, messageIds: messageIds.slice(i, i + idsPerQueueMessage) };
    bodies.push(JSON.stringify(batch));
  }
  for (let i = 0; i < bodies.length; i += entriesPerCall) {
    const entries = bodies.slice(i, i + entriesPerCall).map((body, n) => ({ Id: String(n), MessageBody: body }));
    const out = await (sqs ??= new SQSClient({})).send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
    );
    if (out.Failed?.length) {
      throw new Error(`${out.Failed.length} delivery batches were not queued: ${out.Failed[0]!.Code ?? ''}`);
    }
  }
}
