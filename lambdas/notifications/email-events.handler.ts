import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { readSchoolRecord, schoolDataAccess } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { applyEmailEvent, sesEmailEvent, taggedMessage } from './email-events';

/**
 * SES's sending events (the EventBridge rule of the stage's configuration set) into the
 * messages they are about. An event that names no message of the platform is logged and
 * dropped; one that cannot be applied now throws, so EventBridge retries it (and, after its
 * retries, sends it to the rule's dead-letter queue).
 */
export const handler = lambdaHandler(async (input: unknown, context) => {
  const parsed = sesEmailEvent.safeParse(input);
  if (!parsed.success) {
    logger.error('not an SES sending event', { issues: parsed.error.issues });
    return { applied: false };
  }
  const tagged = taggedMessage(parsed.data);
  if (!tagged) {
    logger.warn('an SES event about no notification message', { sesMessageId: parsed.data.detail.mail.messageId });
    return { applied: false };
  }
  const school = await readSchoolRecord(tagged.schoolId);
  if (!school || schoolDataAccess(school.status) !== 'read-write') {
    logger.warn('an SES event for a school that cannot be written', { schoolId: tagged.schoolId });
    return { applied: false };
  }
  const db = await schoolSessionFor(school, { actor: 'email-events', requestId: context.awsRequestId });
  const applied = await applyEmailEvent(db, tagged.messageId, parsed.data);
  logger.info('SES event applied', { ...tagged, eventType: parsed.data.detail.eventType, applied });
  return { applied };
});
