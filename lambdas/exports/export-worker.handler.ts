import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { exportJobMessage } from '../shared/export-jobs';
import { putObject } from '../shared/object-storage';
import { logger, tracer } from '../shared/observability';
import { isLastDelivery, exportsQueue } from '../shared/queues';
import { schoolSessionFor } from '../shared/school-session';
import { schoolDataAccess, TenantDirectory } from '../shared/tenant-directory';
import { failExport, runExport } from './school-export';

const processor = new BatchProcessor(EventType.SQS);
let directory: TenantDirectory | undefined;

async function exportRecord(record: SQSRecord): Promise<void> {
  const message = exportJobMessage.parse(JSON.parse(record.body));
  logger.appendKeys({ schoolId: message.schoolId, exportId: message.exportId });
  const school = await (directory ??= new TenantDirectory()).getSchool(message.schoolId);
  // A school that can be read can be exported: offboarding exports a suspended school.
  if (!school || schoolDataAccess(school.status) === 'none') {
    logger.warn('export dropped: the school is not available', { status: school?.status });
    return;
  }
  const db = await schoolSessionFor(school);
  try {
    const outcome = await runExport(
      db,
      { put: (key, body, contentType) => putObject('exports', key, body, contentType) },
      school.schoolId,
      message.exportId,
    );
    logger.info('export finished', { outcome, dataApiCalls: db.roundTrips });
  } catch (error) {
    // On the last delivery the request is marked failed before the message goes to the dead-letter queue.
    if (isLastDelivery(record, exportsQueue)) {
      await failExport(db, message.exportId, 'The export could not be written; ask for it again.').catch(
        (cause: unknown) => logger.error('could not mark the export failed', { cause }),
      );
    }
    throw error;
  }
}

/** The exports queue's consumer: one export request per message, failures reported per message. */
export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, exportRecord, processor, { context }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(captureLambdaHandler(tracer));
