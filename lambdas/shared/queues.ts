import type { BucketPurpose } from './buckets';

/**
 * SQS queue definitions of the platform. The CDK stacks create each queue with its
 * dead-letter queue from these, and the local platform does the same and polls them into
 * the same handlers. The batch and report issues add their queues here.
 */
export interface QueueDefinition {
  /** Logical name; the physical name is `<stage prefix>-<logicalName>`, its DLQ's `…-dlq`. */
  readonly logicalName: string;
  /** Variable holding the queue's URL in the functions that send to it. */
  readonly urlVariable: string;
  /** The consuming function's timeout. */
  readonly handlerTimeoutSeconds: number;
  /** Longer than the handler's timeout, so a message is not handed out twice while in work. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Messages per handler invocation (1-10). */
  readonly batchSize: number;
  /** Handler module relative to the project root; it exports `handler` and reports `batchItemFailures`. */
  readonly handler: string;
  /** Buckets the consumer writes, under `schools/`. @default none */
  readonly writesTo?: readonly BucketPurpose[];
}

/** Export requests of schools, one message each, into the exports worker. */
export const exportsQueue: QueueDefinition = {
  logicalName: 'exports',
  urlVariable: 'CAMPUS_EXPORTS_QUEUE_URL',
  handlerTimeoutSeconds: 300,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 3,
  batchSize: 1,
  handler: 'lambdas/exports/export-worker.handler.ts',
  writesTo: ['exports'],
};

export const platformQueues: readonly QueueDefinition[] = [exportsQueue];

/** The URL of a queue this function was given. */
export function queueUrl(queue: QueueDefinition, env: NodeJS.ProcessEnv = process.env): string {
  const url = env[queue.urlVariable];
  if (!url) throw new Error(`${queue.urlVariable} is not set.`);
  return url;
}
