/**
 * SQS queue definitions of the platform. The CDK stacks create each queue with its
 * dead-letter queue from these, and the local platform does the same and polls them into
 * the same handlers. The batch and report issues add their queues here.
 */
export interface QueueDefinition {
  /** Logical name; the physical name is `<stage prefix>-<logicalName>`, its DLQ's `…-dlq`. */
  readonly logicalName: string;
  /** Longer than the handler's timeout, so a message is not handed out twice while in work. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Messages per handler invocation (1-10). */
  readonly batchSize: number;
  /** Handler module relative to the project root; it exports `handler` and reports `batchItemFailures`. */
  readonly handler: string;
}

export const platformQueues: readonly QueueDefinition[] = [];
