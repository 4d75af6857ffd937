import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';
import { closeServer } from '../http-server';
import type { QueueDefinition } from '../../lambdas/shared/queues';

export const localAccountId = '000000000000';
export const localRegion = 'eu-west-1';

export interface LocalQueue {
  readonly name: string;
  readonly definition: QueueDefinition;
}

export interface LocalSqs {
  readonly url: string;
  queueUrl(name: string): string;
  queueArn(name: string): string;
  close(): Promise<void>;
}

/**
 * SQS on this machine (local-aws-sqs, which speaks the SDK's JSON protocol), with every
 * queue and its dead-letter queue made from the platform's queue definitions.
 */
export async function startSqs(options: { port: number; queues: readonly LocalQueue[] }): Promise<LocalSqs> {
  const arn = (name: string) => `arn:aws:sqs:${localRegion}:${localAccountId}:${name}`;
  const queues = options.queues.flatMap(({ name, definition }) => [
    { QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: 1_209_600 } },
    {
      QueueName: name,
      Attributes: {
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        RedrivePolicy: JSON.stringify({
          maxReceiveCount: definition.maxReceiveCount,
          deadLetterTargetArn: arn(`${name}-dlq`),
        }),
      },
    },
  ]) as Parameters<typeof createSqsServer>[0]['queues'];
  const server: Server = await createSqsServer({
    port: options.port,
    hostname: '127.0.0.1',
    region: localRegion,
    accountId: localAccountId,
    emulateQueueCreationLifecycle: false,
    queues,
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    queueUrl: (name) => `${url}/${localAccountId}/${name}`,
    queueArn: arn,
    close: () => closeServer(server),
  };
}
