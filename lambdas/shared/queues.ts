import type { BucketPurpose } from './buckets';

/**
 * SQS queue definitions of the platform. The CDK stacks create each queue with its
 * dead-letter queue from these, and the local platform does the same and polls them into
 * the same handlers.
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
  /** How long a message may wait before the queue-age alarm warns. */
  readonly maxAgeSeconds: number;
  /** Buckets the consumer writes, under `schools/`. @default none */
  readonly writesTo?: readonly BucketPurpose[];
  /** Buckets whose school objects the consumer removes (a file past its use, an erased person's). @default none */
  readonly removesFrom?: readonly BucketPurpose[];
  /**
   * An erasure's reach beyond the school's database: removing the erased people's sign-ins from
   * the user directory, and recording erasures in the register a restore reads. @default false
   */
  readonly erases?: boolean;
  /** Platform queues (logical names) the consumer sends to. @default none */
  readonly sendsTo?: readonly string[];
  /**
   * Messages the consumer sends: e-mail (SES), text messages (SMS) and browser notifications (Web
   * Push) through the messaging stack, updates of open apps through the live stack. @default none
   */
  readonly messages?: readonly ('email' | 'sms' | 'push' | 'live')[];
  /**
   * At most this many consumers at once (the event source's maximum concurrency): what one
   * queue's sends may take of SES's account-wide rate. @default as many as Lambda scales to
   */
  readonly maxConcurrency?: number;
}

/** Export requests of schools, one message each, into the exports worker. */
export const exportsQueue: QueueDefinition = {
  logicalName: 'exports',
  urlVariable: 'CAMPUS_EXPORTS_QUEUE_URL',
  handlerTimeoutSeconds: 300,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 3,
  maxAgeSeconds: 900,
  batchSize: 1,
  handler: 'lambdas/exports/export-worker.handler.ts',
  writesTo: ['exports'],
};

/** Report requests (report cards, school analytics, fee statements), one message each, into the reports worker. */
export const reportsQueue: QueueDefinition = {
  logicalName: 'reports',
  urlVariable: 'CAMPUS_REPORTS_QUEUE_URL',
  handlerTimeoutSeconds: 120,
  visibilityTimeoutSeconds: 720,
  maxReceiveCount: 3,
  maxAgeSeconds: 600,
  batchSize: 1,
  handler: 'lambdas/reports/report-worker.handler.ts',
  writesTo: ['reports'],
  // A finished report asks for its notice in its own statement, then wakes the dispatcher.
  sendsTo: ['notifications-due'],
};

/**
 * Data-subject requests, one message each, into the privacy worker: a student's export
 * written (a ZIP of every record with a PDF summary), and its file removed once its one
 * download link has expired.
 */
export const privacyRequestsQueue: QueueDefinition = {
  logicalName: 'privacy-requests',
  urlVariable: 'CAMPUS_PRIVACY_REQUESTS_QUEUE_URL',
  handlerTimeoutSeconds: 300,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 3,
  maxAgeSeconds: 900,
  batchSize: 1,
  handler: 'lambdas/privacy/privacy-worker.handler.ts',
  writesTo: ['exports'],
  // A downloaded export's file; an erased student's exports and reports.
  removesFrom: ['exports', 'reports'],
  erases: true,
};

/**
 * Fast work: rescoring the classes whose attendance or scores were just saved, many
 * messages a batch so that one school's are scored together, within seconds.
 */
export const rescoreQueue: QueueDefinition = {
  logicalName: 'analytics-fast',
  urlVariable: 'CAMPUS_RESCORE_QUEUE_URL',
  handlerTimeoutSeconds: 60,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  maxAgeSeconds: 120,
  batchSize: 10,
  handler: 'lambdas/scoring/rescore-classes.handler.ts',
};

/** Heavy work: rescoring a whole school after a bulk import of past attendance or scores. */
export const schoolRescoreQueue: QueueDefinition = {
  logicalName: 'analytics-heavy',
  urlVariable: 'CAMPUS_SCHOOL_RESCORE_QUEUE_URL',
  handlerTimeoutSeconds: 600,
  visibilityTimeoutSeconds: 3600,
  maxReceiveCount: 3,
  maxAgeSeconds: 1800,
  batchSize: 1,
  handler: 'lambdas/scoring/rescore-school.handler.ts',
};

/**
 * Notification messages waiting to be sent now: absence alerts and other urgent messages, each
 * message of the queue naming a few of one school's messages. Apart from the bulk queue, so
 * that an announcement to thousands never delays another school's absence alerts.
 */
export const urgentDeliveryQueue: QueueDefinition = {
  logicalName: 'notifications-urgent',
  urlVariable: 'CAMPUS_URGENT_DELIVERY_QUEUE_URL',
  handlerTimeoutSeconds: 60,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  maxAgeSeconds: 60,
  batchSize: 10,
  handler: 'lambdas/notifications/urgent-delivery.handler.ts',
  messages: ['email', 'sms', 'push'],
};

/**
 * Notification messages that may wait their turn: announcements, reminders, reports ready.
 * Its consumers are capped, so bulk sends leave SES's account rate to the urgent queue; and
 * every message names its school (`MessageGroupId`), so that SQS fair queues serve a quiet
 * school's messages before the backlog of one sending thousands.
 */
export const bulkDeliveryQueue: QueueDefinition = {
  logicalName: 'notifications-bulk',
  urlVariable: 'CAMPUS_BULK_DELIVERY_QUEUE_URL',
  handlerTimeoutSeconds: 120,
  visibilityTimeoutSeconds: 720,
  maxReceiveCount: 5,
  maxAgeSeconds: 900,
  batchSize: 10,
  handler: 'lambdas/notifications/bulk-delivery.handler.ts',
  messages: ['email', 'sms', 'push'],
  maxConcurrency: 10,
};

/**
 * Wake-ups of the notification dispatcher: "school S has requests due at T", sent by a write
 * that asked for a notification, delayed until T (a longer wait is re-sent in steps of SQS's
 * 15-minute limit). A hint only: the school's outbox is the truth, and the minute sweep
 * dispatches whatever a lost wake-up left due.
 */
export const notificationDueQueue: QueueDefinition = {
  logicalName: 'notifications-due',
  urlVariable: 'CAMPUS_NOTIFICATION_DUE_QUEUE_URL',
  handlerTimeoutSeconds: 60,
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  // Sent up to 15 minutes ahead of being visible.
  maxAgeSeconds: 1200,
  batchSize: 10,
  handler: 'lambdas/notifications/dispatch.handler.ts',
  sendsTo: [urgentDeliveryQueue.logicalName, bulkDeliveryQueue.logicalName, 'notifications-due'],
  // In-app messages are written by the dispatch itself: open apps hear of them from it.
  messages: ['live'],
};

/**
 * What became of sent messages: SES's events (delivered, bounced, complained…) of the stage's
 * configuration set and End User Messaging SMS's text status events (delivered, blocked, no
 * such number…), put here by EventBridge rules and applied to their messages ten at a time: an
 * announcement's ten thousand deliveries are a thousand small batches, not ten thousand invocations.
 */
export const sendingEventsQueue: QueueDefinition = {
  logicalName: 'sending-events',
  urlVariable: 'CAMPUS_SENDING_EVENTS_QUEUE_URL',
  handlerTimeoutSeconds: 30,
  visibilityTimeoutSeconds: 180,
  maxReceiveCount: 5,
  maxAgeSeconds: 900,
  batchSize: 10,
  handler: 'lambdas/notifications/sending-events.handler.ts',
};

export const platformQueues: readonly QueueDefinition[] = [
  exportsQueue,
  reportsQueue,
  privacyRequestsQueue,
  rescoreQueue,
  schoolRescoreQueue,
  notificationDueQueue,
  urgentDeliveryQueue,
  bulkDeliveryQueue,
  sendingEventsQueue,
];

/** The URL of a queue this function was given. */
export function queueUrl(queue: QueueDefinition, env: NodeJS.ProcessEnv = process.env): string {
  const url = env[queue.urlVariable];
  if (!url) throw new Error(`${queue.urlVariable} is not set.`);
  return url;
}

/** Whether this delivery of a message is its last before the dead-letter queue: the time to record the failure. */
export function isLastDelivery(record: { attributes: { ApproximateReceiveCount: string } }, queue: QueueDefinition) {
  return Number(record.attributes.ApproximateReceiveCount) >= queue.maxReceiveCount;
}
