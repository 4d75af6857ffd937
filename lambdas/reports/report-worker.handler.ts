import { putObject } from '../shared/object-storage';
import { reportsQueue } from '../shared/queues';
import { reportJobMessage } from '../shared/report-requests';
import { schoolJobWorker } from '../shared/school-job-worker';
import { failReport, runReport } from './report-rendering';

/**
 * The reports queue's consumer: one report request per message. Reports only read the
 * school, so a suspended school still gets the ones it asked for.
 */
export const handler = schoolJobWorker({
  label: 'report',
  queue: reportsQueue,
  message: reportJobMessage,
  access: 'read',
  logKeys: (message) => ({ reportId: message.reportId }),
  run: (db, school, message) =>
    runReport(
      db,
      { put: (key, body, contentType) => putObject('reports', key, body, contentType) },
      school.schoolId,
      message.reportId,
    ),
  fail: (db, message) => failReport(db, message.reportId, 'The report could not be made; ask for it again.'),
});
