import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { readSchoolRecord, schoolDataAccess } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { applySendingEvent, type ReadSendingEvent, readSendingEvent, type SendingEventEffect } from './sending-events';

type Applicable = ReadSendingEvent & { effect: SendingEventEffect };

/**
 * What became of e-mails and text messages after they were sent: SES's events of the stage's
 * configuration set and End User Messaging SMS's status events (EventBridge rules put both in
 * the sending-events queue), applied to the messages they are about, a batch at a time, grouped
 * by school. An event about no message of the platform is logged and dropped; a school whose
 * events cannot be applied now has them retried (and, after their receive count, sent to the
 * dead-letter queue).
 */
export const handler = lambdaHandler(async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const bySchool = new Map<string, { record: SQSRecord; event: Applicable }[]>();
  for (const record of event.Records) {
    const read = readSendingEvent(JSON.parse(record.body || 'null'));
    if (read === 'invalid') {
      logger.error('neither an SES nor an SMS sending event', { messageId: record.messageId });
      continue;
    }
    if (read === 'foreign') {
      logger.warn('a sending event about no notification message', { messageId: record.messageId });
      continue;
    }
    if (!read.effect) continue;
    const group = bySchool.get(read.schoolId) ?? [];
    group.push({ record, event: { ...read, effect: read.effect } });
    bySchool.set(read.schoolId, group);
  }
  for (const [schoolId, events] of bySchool) {
    try {
      const school = await readSchoolRecord(schoolId);
      if (!school || schoolDataAccess(school.status) !== 'read-write') {
        logger.warn('sending events for a school that cannot be written', { schoolId, events: events.length });
        continue;
      }
      const db = await schoolSessionFor(school, { actor: 'sending-events', requestId: context.awsRequestId });
      let applied = 0;
      for (const { event } of events) if (await applySendingEvent(db, event)) applied++;
      logger.info('sending events applied', { schoolId, events: events.length, applied });
    } catch (error) {
      logger.error('sending events not applied; they are retried', { schoolId, error });
      failures.push(...events.map(({ record }) => record.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
});
