import { exportJobMessage } from '../shared/export-jobs';
import { putObject } from '../shared/object-storage';
import { exportsQueue } from '../shared/queues';
import { schoolJobWorker } from '../shared/school-job-worker';
import { failExport, runExport } from './school-export';

/**
 * The exports queue's consumer: one export request per message. A school that can be read
 * can be exported: offboarding exports a suspended school.
 */
export const handler = schoolJobWorker({
  label: 'export',
  queue: exportsQueue,
  message: exportJobMessage,
  access: 'read',
  logKeys: (message) => ({ exportId: message.exportId }),
  run: async (db, school, message) => ({
    outcome: await runExport(
      db,
      { put: (key, body, contentType) => putObject('exports', key, body, contentType) },
      school.schoolId,
      message.exportId,
    ),
  }),
  fail: (db, message) => failExport(db, message.exportId, 'The export could not be written; ask for it again.'),
});
