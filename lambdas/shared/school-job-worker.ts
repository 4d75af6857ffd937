import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import type { DataApiSession } from './data-api';
import { lambdaHandler } from './lambda-handler';
import { logger } from './observability';
import { isLastDelivery, type QueueDefinition } from './queues';
import { readSchoolRecord, type SchoolRecord, schoolDataAccess } from './school-records';
import { schoolSessionFor } from './school-session';

/** One kind of background work on one school, a message at a time. */
export interface SchoolJob<M extends { schoolId: string }> {
  /** What the work is called in logs: "export", "report", "rescoring". */
  readonly label: string;
  readonly queue: QueueDefinition;
  readonly message: z.ZodType<M>;
  /** Work that only reads runs for a school that can be read (a suspended one too); writing needs ACTIVE. */
  readonly access: 'read' | 'read-write';
  /**
   * Who the work's audited writes are by (the message's id is their request). @default none: the
   * work writes nothing the audit log records
   */
  readonly actor?: string;
  /** Keys that name the message in every log line. */
  readonly logKeys?: (message: M) => Record<string, string>;
  /** Does the work; answers what to log about it. */
  readonly run: (db: DataApiSession, school: SchoolRecord, message: M) => Promise<Record<string, unknown>>;
  /** Records the failure, with a reason, on the message's last delivery before its dead-letter queue. */
  readonly fail?: (db: DataApiSession, message: M) => Promise<void>;
}

/**
 * A queue's consumer for work on one school per message: the message validated, the
 * school looked up (work for a school no longer there, or not writable, is dropped), a
 * session on its database, failures reported per message so one bad message is retried
 * alone, and marked failed on its last delivery.
 */
export function schoolJobWorker<M extends { schoolId: string }>(job: SchoolJob<M>) {
  const processor = new BatchProcessor(EventType.SQS);
  const workOn = async (record: SQSRecord): Promise<void> => {
    const message = job.message.parse(JSON.parse(record.body));
    logger.appendKeys({ schoolId: message.schoolId, ...job.logKeys?.(message) });
    const school = await readSchoolRecord(message.schoolId);
    const access = school ? schoolDataAccess(school.status) : 'none';
    if (access === 'none' || (job.access === 'read-write' && access !== 'read-write')) {
      logger.warn(`${job.label} dropped: the school is not available`, { status: school?.status });
      return;
    }
    const db = await schoolSessionFor(
      school!,
      job.actor ? { actor: job.actor, requestId: record.messageId } : undefined,
    );
    const started = Date.now();
    try {
      const outcome = await job.run(db, school!, message);
      logger.info(`${job.label} finished`, { ...outcome, ms: Date.now() - started, dataApiCalls: db.roundTrips });
    } catch (error) {
      if (job.fail && isLastDelivery(record, job.queue)) {
        await job
          .fail(db, message)
          .catch((cause: unknown) => logger.error(`could not mark the ${job.label} failed`, { cause }));
      }
      throw error;
    }
  };
  return lambdaHandler((event: SQSEvent, context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, workOn, processor, { context }),
  );
}
