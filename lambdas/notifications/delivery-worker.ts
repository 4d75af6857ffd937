import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { readSchoolRecord } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { awsSenders, type MessageSenders } from './channels';
import { deliverMessages } from './delivery';
import { deliveryBatch } from './delivery-queue';

/** Sends in flight in one invocation: within the SDK's 50 sockets, and a steady pace for SES and SMS. */
const sendsAtOnce = 25;

/** The senders, with at most `limit` sends in flight at once; the others wait their turn. */
export function atMostAtOnce(senders: MessageSenders, limit: number): MessageSenders {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const limited =
    (send: MessageSenders['email']): MessageSenders['email'] =>
    async (message) => {
      // A finished send hands its slot to the next in line, so the count never passes the limit.
      if (inFlight >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else inFlight++;
      try {
        return await send(message);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else inFlight--;
      }
    };
  return {
    email: limited((m) => senders.email(m)),
    sms: limited((m) => senders.sms(m)),
    push: limited((m) => senders.push(m)),
  };
}

/**
 * A delivery queue's consumer: each queue message names a few of one school's notification
 * messages, sent and recorded together; a queue message whose sends failed for a while is
 * retried alone (its messages that were sent are not sent again).
 */
export function deliveryWorker(
  senders: () => MessageSenders = awsSenders,
  /** The school's rate for this queue's sends, messages a second; none: as fast as the senders go. */
  sendsPerSecond?: () => number | undefined,
) {
  let made: MessageSenders | undefined;
  return lambdaHandler(async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
    made ??= atMostAtOnce(senders(), sendsAtOnce);
    const failures: string[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const parsed = deliveryBatch.safeParse(JSON.parse(record.body || 'null'));
        if (!parsed.success) {
          logger.error('not a delivery batch', { messageId: record.messageId, issues: parsed.error.issues });
          failures.push(record.messageId);
          return;
        }
        const { schoolId, ...selection } = parsed.data;
        try {
          const school = await readSchoolRecord(schoolId);
          if (school?.status !== 'ACTIVE') {
            logger.warn('messages not sent: the school is not ACTIVE', { schoolId, status: school?.status });
            return;
          }
          const db = await schoolSessionFor(school, { actor: 'notification-sender', requestId: context.awsRequestId });
          const outcome = await deliverMessages(db, schoolId, selection, made!, sendsPerSecond?.());
          logger.info('messages delivered', { schoolId, ...outcome });
        } catch (error) {
          logger.warn('delivery to be retried', { schoolId, error });
          failures.push(record.messageId);
        }
      }),
    );
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });
}
