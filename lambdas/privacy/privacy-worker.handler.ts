import { DynamoErasureRegister } from '../shared/erasure-register';
import { deleteObject, putObject } from '../shared/object-storage';
import { privacyJobMessage } from '../shared/privacy-requests';
import { privacyRequestsQueue } from '../shared/queues';
import { schoolJobWorker } from '../shared/school-job-worker';
import { CognitoUserDirectory } from '../shared/user-directory';
import { carryOutErasure, type ErasurePorts } from './erasure-job';
import { type ExportFiles, markFailed, produceStudentExport, removeExportFile, startRequest } from './student-export';

const files: ExportFiles = {
  put: (key, body, contentType) => putObject('exports', key, body, contentType),
  remove: (key) => deleteObject('exports', key),
};

let erasurePorts: ErasurePorts | undefined;
/** Made on first use: only an erasure reaches the user directory and the register. */
const erasure = (): ErasurePorts =>
  (erasurePorts ??= {
    removeObject: deleteObject,
    directory: new CognitoUserDirectory(),
    register: new DynamoErasureRegister(),
  });

/**
 * The privacy-requests queue's consumer: a student's export written (or its file removed after
 * its one download), or an approved erasure carried out. Its status changes are audited as the
 * privacy worker's.
 */
export const handler = schoolJobWorker({
  label: 'privacy request',
  queue: privacyRequestsQueue,
  message: privacyJobMessage,
  access: 'read-write',
  actor: 'privacy-worker',
  logKeys: (message) => ({ requestId: message.requestId }),
  run: async (db, school, message) => {
    if (message.task === 'remove-file') return removeExportFile(db, files, message.requestId);
    const taken = await startRequest(db, message.requestId);
    if (!taken) return { outcome: 'not-queued' };
    return taken.kind === 'erasure'
      ? carryOutErasure(db, erasure(), school.schoolId, message.requestId, taken.studentId)
      : produceStudentExport(db, files, school.schoolId, message.requestId, taken.studentId);
  },
  fail: (db, message) =>
    message.task === 'remove-file'
      ? Promise.resolve()
      : markFailed(db, message.requestId, 'The request could not be carried out; an operator has been alerted.'),
});
