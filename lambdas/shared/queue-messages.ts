import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type QueueDefinition, queueUrl } from './queues';

let sqs: SQSClient | undefined;

/**
 * Sends one JSON message to a platform queue this function was given (by the queue's URL
 * variable), visible at once or after `delaySeconds` (at most SQS's 900).
 */
export async function sendToQueue(queue: QueueDefinition, body: unknown, delaySeconds?: number): Promise<void> {
  await (sqs ??= new SQSClient({})).send(
    new SendMessageCommand({
      QueueUrl: queueUrl(queue),
      MessageBody: JSON.stringify(body),
      ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.ceil(delaySeconds)) } : {}),
    }),
  );
}
