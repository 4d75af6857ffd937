import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { type DispatchWakeUp, dispatchWakeUp, wakeDispatcherAt } from '../shared/notification-outbox';
import { logger } from '../shared/observability';
import { activeSchool, dispatchSchool } from './dispatcher';

/** A wake-up this early is sent on rather than acted on (SQS delays by whole seconds). */
const earlyToleranceMs = 1000;

/**
 * The wake-up queue's consumer: each school named by a wake-up that has come due is dispatched
 * once, however many of its wake-ups the batch holds; a wake-up that came early (a wait longer
 * than SQS's 15 minutes) is sent on for the rest. A school that fails has its wake-ups retried.
 */
export const handler = lambdaHandler(async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const due = new Map<string, SQSRecord[]>();
  for (const record of event.Records) {
    const parsed = dispatchWakeUp.safeParse(JSON.parse(record.body || 'null'));
    if (!parsed.success) {
      logger.error('not a dispatcher wake-up', { messageId: record.messageId, issues: parsed.error.issues });
      failures.push(record.messageId);
      continue;
    }
    const wakeUp: DispatchWakeUp = parsed.data;
    if (new Date(wakeUp.dueAt).getTime() - Date.now() > earlyToleranceMs) {
      await wakeDispatcherAt(wakeUp);
      continue;
    }
    due.set(wakeUp.schoolId, [...(due.get(wakeUp.schoolId) ?? []), record]);
  }
  for (const [schoolId, records] of due) {
    try {
      const school = await activeSchool(schoolId);
      if (!school) continue;
      const totals = await dispatchSchool(school, { requestId: context.awsRequestId });
      logger.info('notifications dispatched', { schoolId, ...totals });
    } catch (error) {
      logger.error('dispatch failed', { schoolId, error });
      failures.push(...records.map((record) => record.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
});
