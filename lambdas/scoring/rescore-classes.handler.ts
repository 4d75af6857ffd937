import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { type RescoreMessage, rescoreMessage } from '../shared/rescore-jobs';
import { readSchoolRecord } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { rescoreClasses, rescoreRunId } from './rescoring';

/**
 * The fast queue's consumer: the batch's messages are grouped by school and each school's
 * classes are scored once, together. A school that fails has all its messages reported
 * failed (they come back, and reach the dead-letter queue after their receive count); a
 * message that is not a rescoring request fails alone.
 */
export const handler = lambdaHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const bySchool = new Map<string, { records: SQSRecord[]; messages: RescoreMessage[] }>();
  for (const record of event.Records) {
    const parsed = rescoreMessage.safeParse(JSON.parse(record.body || 'null'));
    if (!parsed.success) {
      logger.error('not a rescoring request', { messageId: record.messageId, issues: parsed.error.issues });
      failures.push(record.messageId);
      continue;
    }
    const group = bySchool.get(parsed.data.schoolId) ?? { records: [], messages: [] };
    group.records.push(record);
    group.messages.push(parsed.data);
    bySchool.set(parsed.data.schoolId, group);
  }
  for (const [schoolId, { records, messages }] of bySchool) {
    try {
      const school = await readSchoolRecord(schoolId);
      if (school?.status !== 'ACTIVE') {
        logger.warn('rescoring dropped: the school is not ACTIVE', { schoolId, status: school?.status });
        continue;
      }
      const db = await schoolSessionFor(school);
      const outcome = await rescoreClasses(db, messages, rescoreRunId(`rescore-${messages[0]!.reason}`));
      logger.info('classes rescored', { schoolId, messages: messages.length, ...outcome });
    } catch (error) {
      logger.error('rescoring failed', { schoolId, error });
      failures.push(...records.map((record) => record.messageId));
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
});
