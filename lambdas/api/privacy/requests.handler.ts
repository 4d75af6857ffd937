import { signedDownloadUrl } from '../../shared/download-links';
import { sendToQueue } from '../../shared/queue-messages';
import { privacyRequestsQueue } from '../../shared/queues';
import { schoolRoutes } from '../school-handler';
import {
  approveErasure,
  downloadExport,
  type ExportLinks,
  getPrivacyRequest,
  listChildPrivacyRequests,
  listPrivacyRequests,
  type PrivacyQueue,
  refuseErasure,
  requestPrivacyAction,
} from './requests';
import { privacyRequestRoutes } from './requests.routes';

const queue: PrivacyQueue = {
  send: (message, delaySeconds) => sendToQueue(privacyRequestsQueue, message, delaySeconds),
};
const links: ExportLinks = (key, fileName, seconds) =>
  signedDownloadUrl('exports', key, { fileName, expiresInSeconds: seconds });

export const handler = schoolRoutes(privacyRequestRoutes, {
  requestPrivacyAction: async ({ db, principal, body }) =>
    requestPrivacyAction(db, queue, principal.schoolId, { as: 'school-admin', userId: principal.userId }, body),
  approveErasure: async ({ db, principal, params }) => approveErasure(db, queue, principal.schoolId, params.requestId),
  refuseErasure: async ({ db, params, body }) => refuseErasure(db, params.requestId, body),
  listPrivacyRequests: async ({ db, query }) => listPrivacyRequests(db, query),
  getPrivacyRequest: async ({ db, params }) => getPrivacyRequest(db, params.requestId),
  downloadPrivacyExport: async ({ db, principal, params }) =>
    downloadExport(db, links, queue, principal.schoolId, params.requestId),
  requestChildPrivacyAction: async ({ db, principal, params, body }) =>
    requestPrivacyAction(
      db,
      queue,
      principal.schoolId,
      { as: 'guardian', userId: principal.userId },
      { kind: body.kind, studentId: params.studentId, clientKey: body.clientKey },
    ),
  listChildPrivacyRequests: async ({ db, params }) => listChildPrivacyRequests(db, params.studentId),
  downloadChildPrivacyExport: async ({ db, principal, params }) =>
    downloadExport(db, links, queue, principal.schoolId, params.requestId, params.studentId),
});
