import { schoolRescoreQueue } from '../shared/queues';
import { schoolRescoreMessage } from '../shared/rescore-jobs';
import { schoolJobWorker } from '../shared/school-job-worker';
import { rescoreRunId, rescoreSchool } from './rescoring';

/** The heavy queue's consumer: one school per message, scored whole after a bulk import (ACTIVE schools only). */
export const handler = schoolJobWorker({
  label: 'school rescoring',
  queue: schoolRescoreQueue,
  message: schoolRescoreMessage,
  access: 'read-write',
  run: (db, _school, message) => rescoreSchool(db, rescoreRunId(message.reason)),
});
