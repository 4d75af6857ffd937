import { signedDownloadUrl } from '../../shared/download-links';
import { sendToQueue } from '../../shared/queue-messages';
import { exportsQueue } from '../../shared/queues';
import { schoolRoutes } from '../school-handler';
import { type ExportQueue, getExport, listExports, requestExport } from './exports';
import { exportRoutes } from './exports.routes';

const queue: ExportQueue = { send: (message) => sendToQueue(exportsQueue, message) };

export const handler = schoolRoutes(exportRoutes, {
  requestExport: async ({ db, principal, body }) =>
    requestExport(db, queue, principal.userId, principal.schoolId, body),
  listExports: async ({ db, query }) => listExports(db, query),
  getExport: async ({ db, params }) =>
    getExport(db, (key, fileName) => signedDownloadUrl('exports', key, { fileName }), params.exportId),
});
