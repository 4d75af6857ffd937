import { deleteObject, putObject } from '../shared/object-storage';
import { privacyJobMessage } from '../shared/privacy-requests';
import { privacyRequestsQueue } from '../shared/queues';
import { schoolJobWorker } from '../shared/school-job-worker';
import { type ExportFiles, markFailed, produceStudentExport, removeExportFile } from './student-export';

const files: ExportFiles = {
  put: (key, body, contentType) => putObject('exports', key, body, contentType),
  remove: (key) => deleteObject('exports', key),
};

/**
 * The privacy-requests queue's consumer: a student's export written, or its file removed after
 * its one download. Its status changes are audited as the privacy worker's.
 */
export const handler = schoolJobWorker({
  label: 'privacy request',
  queue: privacyRequestsQueue,
  message: privacyJobMessage,
  access: 'read-write',
  actor: 'privacy-worker',
  logKeys: (message) => ({ requestId: message.requestId }),
  run: (db, school, message) =>
    message.task === 'remove-file'
      ? removeExportFile(db, files, message.requestId)
      : produceStudentExport(db, files, school.schoolId, message.requestId),
  fail: (db, message) =>
    message.task === 'remove-file'
      ? Promise.resolve()
      : markFailed(db, message.requestId, 'The export could not be written; ask for it again.'),
});
