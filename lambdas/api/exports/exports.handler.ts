import { json } from '../../shared/http';
import { signedDownloadUrl } from '../../shared/download-links';
import { sendToQueue } from '../../shared/queue-messages';
import { exportsQueue } from '../../shared/queues';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { exportListQuery, exportPath, exportRequest } from './export.schemas';
import { type ExportQueue, getExport, listExports, requestExport } from './exports';
import { exportRoutes } from '../routes';

const queue: ExportQueue = { send: (message) => sendToQueue(exportsQueue, message) };

export const handler = schoolRoutes(exportRoutes(), {
  'POST /api/exports': async ({ event, db, principal }) =>
    json(202, await requestExport(db, queue, principal.userId, principal.schoolId, parseBody(exportRequest, event))),
  'GET /api/exports': async ({ event, db }) => json(200, await listExports(db, parseQuery(exportListQuery, event))),
  'GET /api/exports/{exportId}': async ({ event, db }) =>
    json(
      200,
      await getExport(
        db,
        (key, fileName) => signedDownloadUrl('exports', key, { fileName }),
        parsePath(exportPath, event).exportId,
      ),
    ),
});
