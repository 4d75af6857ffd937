import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { putObject } from '../shared/object-storage';
import { logger, tracer } from '../shared/observability';
import { isLastDelivery, reportsQueue } from '../shared/queues';
import { reportJobMessage } from '../shared/report-jobs';
import { schoolSessionFor } from '../shared/school-session';
import { schoolDataAccess, TenantDirectory } from '../shared/tenant-directory';
import { failReport, runReport } from './report-rendering';

const processor = new BatchProcessor(EventType.SQS);
let directory: TenantDirectory | undefined;

async function reportRecord(record: SQSRecord): Promise<void> {
  const message = reportJobMessage.parse(JSON.parse(record.body));
  logger.appendKeys({ schoolId: message.schoolId, reportId: message.reportId });
  const school = await (directory ??= new TenantDirectory()).getSchool(message.schoolId);
  // Reports only read the school, so a suspended school still gets the ones it asked for.
  if (!school || schoolDataAccess(school.status) === 'none') {
    logger.warn('report dropped: the school is not available', { status: school?.status });
    return;
  }
  const db = await schoolSessionFor(school);
  try {
    const started = Date.now();
    const result = await runReport(
      db,
      { put: (key, body, contentType) => putObject('reports', key, body, contentType) },
      school.schoolId,
      message.reportId,
    );
    logger.info('report finished', { ...result, ms: Date.now() - started, dataApiCalls: db.roundTrips });
  } catch (error) {
    // On the last delivery the request is marked failed before the message goes to the dead-letter queue.
    if (isLastDelivery(record, reportsQueue)) {
      await failReport(db, message.reportId, 'The report could not be made; ask for it again.').catch(
        (cause: unknown) => logger.error('could not mark the report failed', { cause }),
      );
    }
    throw error;
  }
}

/** The reports queue's consumer: one report request per message, failures reported per message. */
export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, reportRecord, processor, { context }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(captureLambdaHandler(tracer));
