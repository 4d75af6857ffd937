import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, tracer } from '../shared/observability';
import { schoolRescoreMessage } from '../shared/rescore-jobs';
import { schoolSessionFor } from '../shared/school-session';
import { TenantDirectory } from '../shared/tenant-directory';
import { rescoreRunId, rescoreSchool } from './rescoring';

const processor = new BatchProcessor(EventType.SQS);
let directory: TenantDirectory | undefined;

async function rescoreRecord(record: SQSRecord): Promise<void> {
  const message = schoolRescoreMessage.parse(JSON.parse(record.body));
  logger.appendKeys({ schoolId: message.schoolId });
  const school = await (directory ??= new TenantDirectory()).getSchool(message.schoolId);
  if (school?.status !== 'ACTIVE') {
    logger.warn('rescoring dropped: the school is not ACTIVE', { status: school?.status });
    return;
  }
  const db = await schoolSessionFor(school);
  const outcome = await rescoreSchool(db, rescoreRunId(message.reason));
  logger.info('school rescored', { ...outcome, dataApiCalls: db.roundTrips });
}

/** The heavy queue's consumer: one school per message, scored whole after a bulk import. */
export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, rescoreRecord, processor, { context }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(captureLambdaHandler(tracer));
