import { schoolRoutes } from '../school-handler';
import {
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
  markMessageRead: async ({ db, principal, params }) => markRead(db, principal.userId, params.messageId),
  markAllRead: async ({ db, principal }) => markAllRead(db, principal.userId),
  getNotificationPreferences: async ({ db, principal }) => readPreferences(db, principal.userId),
  putNotificationPreferences: async ({ db, principal, body }) => writePreferences(db, principal.userId, body),
  getNotificationSettings: async ({ db }) => readNotificationSettings(db),
  putNotificationSettings: async ({ db, body }) => writeNotificationSettings(db, body),
  listNotificationRequests: async ({ db, query }) => listRequests(db, query),
  getDeliveryReport: async ({ db, params }) => deliveryReport(db, params.requestId),
});
