import {
  DeleteMessageBatchCommand,
  type Message,
  MessageSystemAttributeName,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handlerName } from '../../lambdas/api/routes';
import type { QueueDefinition } from '../../lambdas/shared/queues';
import { lambdaContext } from '../lambda-context';
import { localRegion } from './sqs-server';

/** Pause between polls of an empty queue. */
const idlePollMs = 100;

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsPollerOptions {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly definition: QueueDefinition;
  readonly handler: SqsHandler;
  /**
   * Batches handled at once, each by its own receive: Lambda starts a standard queue's mapping
   * at five concurrent batches (then scales up, which the local platform does not), never more
   * than the mapping's maximum concurrency. @default 1
   */
  readonly concurrentBatches?: number;
  /** What the mapping receives and deletes with: its function's role, as on Lambda. @default a key no endpoint checks */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly onError?: (error: unknown) => void;
}

export interface SqsPoller {
  /** Handler invocations so far. */
  readonly invocations: number;
  stop(): Promise<void>;
}

/** A received message as Lambda's SQS event source hands it to a handler. */
function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined
            ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
            : {}),
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: localRegion,
  };
}

/**
 * Lambda's SQS event source mapping, locally: receives up to `batchSize` messages, calls
 * the handler with a real SQS event, deletes what succeeded (with ReportBatchItemFailures,
 * everything not listed in `batchItemFailures`; nothing when the handler throws), and
 * leaves failures to come back after the visibility timeout, to the DLQ after
 * `maxReceiveCount` receives.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const client = new SQSClient({
    endpoint: options.endpoint,
    region: localRegion,
    credentials: options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const functionName = handlerName(options.definition.handler);
  let running = true;
  let invocations = 0;

  async function pollOnce(): Promise<void> {
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: options.definition.batchSize,
        // Short polls: local-aws-sqs's long poll keeps filling a batch past the visibility
        // timeout, where SQS would return as soon as messages are there.
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: [MessageSystemAttributeName.All],
        MessageAttributeNames: ['All'],
      }),
    );
    const unique = new Map((received.Messages ?? []).map((message) => [message.MessageId!, message]));
    const messages = [...unique.values()];
    // A batch received while stopping is still handled: its receive count is already spent.
    if (messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, idlePollMs));
      return;
    }
    const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
    let failed: Set<string>;
    try {
      invocations++;
      const timeoutMs = options.definition.handlerTimeoutSeconds * 1000;
      const result = await options.handler(event, lambdaContext(functionName, timeoutMs));
      const ids = new Set(messages.map((message) => message.MessageId!));
      const reported = (result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
      // As Lambda does: an identifier that is not a message of the batch fails the whole batch.
      failed = reported.every((id) => ids.has(id)) ? new Set(reported) : ids;
    } catch (error) {
      options.onError?.(error);
      failed = new Set(messages.map((message) => message.MessageId!));
    }
    const done = messages.filter((message) => !failed.has(message.MessageId!));
    if (done.length > 0) {
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
      for (const failure of deleted.Failed ?? []) {
        options.onError?.(
          new Error(`could not delete a handled message (${failure.Code}): it will be delivered again`),
        );
      }
    }
  }

  const poll = async () => {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (running) {
          options.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }
  };
  const loop = Promise.all(Array.from({ length: Math.max(1, options.concurrentBatches ?? 1) }, poll));

  return {
    get invocations() {
      return invocations;
    },
    stop: async () => {
      running = false;
      await loop;
      client.destroy();
    },
  };
}
