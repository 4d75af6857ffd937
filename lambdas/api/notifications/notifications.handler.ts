import { issueLiveTicket, livePath } from '../../shared/live-updates';
import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import {
  createAnnouncement,
  listTemplates,
  previewAnnouncement,
  previewTemplate,
  resetTemplate,
  writeTemplate,
  deliveryReport,
  inbox,
  listRequests,
  markAllRead,
  markRead,
  readNotificationSettings,
  readPreferences,
  writeNotificationSettings,
  writePreferences,
} from './notifications';
import { notificationRoutes } from './notifications.routes';

export const handler = schoolRoutes(notificationRoutes, {
  listInbox: async ({ db, principal, query }) => inbox(db, principal.userId, query),
  openLiveConnection: async ({ principal }) => ({
    ...(await issueLiveTicket({ schoolId: principal.schoolId, userId: principal.userId })),
    path: livePath,
  }),
  markMessageRead: async ({ db, principal, params }) => markRead(db, principal.userId, params.messageId),
  markAllRead: async ({ db, principal }) => markAllRead(db, principal.userId),
  getNotificationPreferences: async ({ db, principal }) => readPreferences(db, principal.userId),
  putNotificationPreferences: async ({ db, principal, body }) => writePreferences(db, principal.userId, body),
  getNotificationSettings: async ({ db }) => readNotificationSettings(db),
  putNotificationSettings: async ({ db, body }) => writeNotificationSettings(db, body),
  previewAnnouncement: async (request) => previewAnnouncement(request.db, callerOf(request), request.body),
  createAnnouncement: async (request) => {
    const created = await createAnnouncement(request.db, callerOf(request), request.body);
    if (created.created) await wakeDispatcherAt({ schoolId: request.principal.schoolId, dueAt: created.dueAt });
    return created;
  },
  listNotificationTemplates: async ({ db }) => listTemplates(db),
  putNotificationTemplate: async ({ db, params, body }) => writeTemplate(db, params, body),
  deleteNotificationTemplate: async ({ db, params }) => resetTemplate(db, params),
  previewNotificationTemplate: async ({ params, body }) => previewTemplate(params.kind, body),
  listNotificationRequests: async (request) => listRequests(request.db, callerOf(request), request.query),
  getDeliveryReport: async (request) => deliveryReport(request.db, callerOf(request), request.params.requestId),
});
