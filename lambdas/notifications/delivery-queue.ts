import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { bulkDeliveryQueue, type QueueDefinition, queueUrl, urgentDeliveryQueue } from '../shared/queues';

/**
 * One message of a delivery queue: a few of one school's notification messages to send, by
 * their ids, or, for an announcement's thousands, one part of its messages (those whose id
 * hashes to `part` of `parts`), so that the dispatcher need not read every id back.
 */
export const deliveryBatch = z.union([
  z.object({ schoolId: z.string().min(1), messageIds: z.array(z.uuid()).min(1).max(50) }).strict(),
  z
    .object({
      schoolId: z.string().min(1),
      requestId: z.uuid(),
      part: z.number().int().min(0),
      parts: z.number().int().min(1).max(100_000),
    })
    .strict()
    .refine((batch) => batch.part < batch.parts, { message: 'is not a part of parts', path: ['part'] }),
]);
export type DeliveryBatch = z.infer<typeof deliveryBatch>;
export type DeliverySelection =
  | { readonly messageIds: readonly string[] }
  | { readonly requestId: string; readonly part: number; readonly parts: number };

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
  const bodies: DeliveryBatch[] = [];
  for (let i = 0; i < messageIds.length; i += idsPerQueueMessage) {
    bodies.push({ schoolId, messageIds: messageIds.slice(i, i + idsPerQueueMessage) });
  }
  await sendBatches(urgency === 'urgent' ? urgentDeliveryQueue : bulkDeliveryQueue, bodies);
}

/** Queues an announcement's queued messages for the bulk senders, in parts of about 25. */
export async function queueAnnouncementForDelivery(schoolId: string, requestId: string, queued: number): Promise<void> {
  const parts = Math.max(1, Math.ceil(queued / idsPerQueueMessage));
  await sendBatches(
    bulkDeliveryQueue,
    Array.from({ length: parts }, (_, part) => ({ schoolId, requestId, part, parts })),
  );
}

async function sendBatches(queue: QueueDefinition, batches: readonly DeliveryBatch[]): Promise<void> {
  const url = queueUrl(queue);
  const bodies = batches.map((batch) => JSON.stringify(batch));
  for (let i = 0; i < bodies.length; i += entriesPerCall) {
    // The school is the queue's tenant: SQS fair queues serve a quiet school before one with a backlog.
    const entries = batches
      .slice(i, i + entriesPerCall)
      .map((batch, n) => ({ Id: String(n), MessageBody: bodies[i + n]!, MessageGroupId: batch.schoolId }));
    const out = await (sqs ??= new SQSClient({})).send(
      new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
    );
    if (out.Failed?.length) {
      throw new Error(`${out.Failed.length} delivery batches were not queued: ${out.Failed[0]!.Code ?? ''}`);
    }
  }
}
