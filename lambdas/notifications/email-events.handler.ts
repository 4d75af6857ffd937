import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { readSchoolRecord, schoolDataAccess } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { applyEmailEvent, type SesEmailEvent, sesEmailEvent, taggedMessage } from './email-events';

/**
 * SES's sending events (the EventBridge rule of the stage's configuration set puts each in the
 * email-events queue) applied to the messages they are about, a batch at a time, grouped by
 * school. An event that names no message of the platform is logged and dropped; a school whose
 * events cannot be applied now has them retried (and, after their receive count, sent to the
 * dead-letter queue).
 */
export const handler = lambdaHandler(async (event: SQSEvent, context): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const bySchool = new Map<string, { record: SQSRecord; event: SesEmailEvent; messageId: string }[]>();
  for (const record of event.Records) {
    const parsed = sesEmailEvent.safeParse(JSON.parse(record.body || 'null'));
    if (!parsed.success) {
      logger.error('not an SES sending event', { messageId: record.messageId, issues: parsed.error.issues });
      continue;
    }
    const tagged = taggedMessage(parsed.data);
    if (!tagged) {
      logger.warn('an SES event about no notification message', { sesMessageId: parsed.data.detail.mail.messageId });
      continue;
    }
    const group = bySchool.get(tagged.schoolId) ?? [];
    group.push({ record, event: parsed.data, messageId: tagged.messageId });
    bySchool.set(tagged.schoolId, group);
  }
  for (const [schoolId, events] of bySchool) {
    try {
      const school = await readSchoolRecord(schoolId);
      if (!school || schoolDataAccess(school.status) !== 'read-write') {
        logger.warn('SES events for a school that cannot be written', { schoolId, events: events.length });
        continue;
      }
      const db = await schoolSessionFor(school, { actor: 'email-events', requestId: context.awsRequestId });
      let applied = 0;
      for (const { event, messageId } of events) if (await applyEmailEvent(db, messageId, event)) applied++;
      logger.info('SES events applied', { schoolId, events: events.length, applied });
    } catch (error) {
      logger.error('SES events not applied; they are retried', { schoolId, error });
      failures.push(...events.map(({ record }) => record.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
});
