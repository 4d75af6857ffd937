import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueDefinition } from '../../lambdas/shared/queues';
import { type SqsHandler, type SqsPoller, startSqsPoller } from '../../local/sqs/sqs-poller';
import { type LocalSqs, startSqs } from '../../local/sqs/sqs-server';

const definition: QueueDefinition = {
  logicalName: 'contract-jobs',
  urlVariable: 'CONTRACT_JOBS_QUEUE_URL',
  handlerTimeoutSeconds: 1,
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 2,
  maxAgeSeconds: 60,
  batchSize: 5,
  handler: 'lambdas/test/contract-jobs.handler.ts',
};

let sqs: LocalSqs | undefined;
let poller: SqsPoller | undefined;
afterEach(async () => {
  await poller?.stop();
  await sqs?.close();
  poller = undefined;
  sqs = undefined;
});

async function setUp(handler: SqsHandler, concurrentBatches?: number) {
  sqs = await startSqs({ port: 0, queues: [{ name: 'campus-local-contract-jobs', definition }] });
  const client = new SQSClient({
    endpoint: sqs.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const queueUrl = sqs.queueUrl('campus-local-contract-jobs');
  poller = startSqsPoller({
    endpoint: sqs.url,
    queueUrl,
    queueArn: sqs.queueArn('campus-local-contract-jobs'),
    definition,
    handler,
    ...(concurrentBatches ? { concurrentBatches } : {}),
  });
  const send = (bodies: string[]) =>
    client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
  const dlqBodies = async () => {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: sqs!.queueUrl('campus-local-contract-jobs-dlq'),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    return (out.Messages ?? []).map((m) => m.Body).sort();
  };
  const depth = async () => {
    const out = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(out.Attributes?.ApproximateNumberOfMessages) +
      Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
    );
  };
  return { client, send, dlqBodies, depth };
}

const until = async (check: () => Promise<boolean> | boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
};

describe('SQS poller contract (local-aws-sqs, real SQS protocol)', () => {
  it('hands the handler real SQS events in batches no larger than batchSize', async () => {
    const events: SQSEvent[] = [];
    const { send } = await setUp(async (event) => {
      events.push(event);
    });
    await send(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    await until(() => events.flatMap((e) => e.Records).length === 7, 10_000);
    expect(Math.max(...events.map((e) => e.Records.length))).toBeLessThanOrEqual(5);
    const record: SQSRecord = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:campus-local-contract-jobs',
      awsRegion: 'eu-west-1',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(record.receiptHandle).toBeTruthy();
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
  });

  it('deletes the successes of a partial batch failure and redrives the failure to the DLQ after maxReceiveCount', async () => {
    const seen = new Map<string, number>();
    const { send, dlqBodies, depth } = await setUp(async (event) => {
      for (const r of event.Records) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
      return {
        batchItemFailures: event.Records.filter((r) => r.body.startsWith('bad')).map((r) => ({
          itemIdentifier: r.messageId,
        })),
      };
    });
    await send(['good-1', 'good-2', 'bad-1']);
    // After its last receive, the failed message leaves the queue for the DLQ once it would turn visible again.
    await until(async () => seen.get('bad-1') === definition.maxReceiveCount && (await depth()) === 0, 15_000);
    expect(seen.get('good-1')).toBe(1);
    expect(seen.get('good-2')).toBe(1);
    expect(await dlqBodies()).toEqual(['bad-1']);
  });

  it('fails the whole batch when the handler reports an identifier that is not in it, as Lambda does', async () => {
    const seen = new Map<string, number>();
    const { send } = await setUp(async (event) => {
      for (const r of event.Records) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
      // A receipt handle is not a message id: Lambda treats the response as invalid.
      return seen.get('first')! === 1
        ? { batchItemFailures: [{ itemIdentifier: event.Records[0]!.receiptHandle }] }
        : undefined;
    });
    await send(['first']);
    await until(() => seen.get('first') === 2, 10_000);
    expect(seen.get('first')).toBe(2);
  });

  it('retries a whole batch when the handler throws', async () => {
    let calls = 0;
    const { send } = await setUp(async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    await send(['x']);
    await until(() => calls >= 2, 10_000);
    expect(calls).toBe(2);
  });

  it('hands out up to concurrentBatches batches at once, each message to one of them only, as a mapping starting at five does', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const handled: string[] = [];
    const { send } = await setUp(async (event) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 300));
      handled.push(...event.Records.map((r) => r.body));
      running--;
    }, 3);
    const bodies = Array.from({ length: 30 }, (_, i) => `m${i}`);
    for (let i = 0; i < bodies.length; i += 10) await send(bodies.slice(i, i + 10));
    await until(() => handled.length >= bodies.length, 10_000);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
    expect(handled.sort()).toEqual([...bodies].sort());
  });
});
