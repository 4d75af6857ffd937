import { routeGroup } from '../route-contract';
import {
  deliveryReport,
  inboxPage,
  inboxQuery,
  messagePath,
  notificationSettings,
  notificationSettingsView,
  preferences,
  preferencesInput,
  requestPath,
  requestsPage,
  requestsQuery,
  unreadCount,
} from './notifications.schemas';

const everyone = ['school-admin', 'teacher', 'bursar', 'guardian'] as const;

/** Notifications as people of a school see them: their inbox and choices; the admin's rules and delivery reports. */
export const notificationRoutes = routeGroup('lambdas/api/notifications/notifications.handler.ts', {
  listInbox: {
    method: 'GET',
    path: '/api/notifications',
    access: everyone,
    summary: "The caller's in-app messages, newest first, with the unread count.",
    query: inboxQuery,
    response: { status: 200, body: inboxPage },
  },
  markMessageRead: {
    method: 'POST',
    path: '/api/notifications/{messageId}/read',
    access: everyone,
    summary: 'Mark one of your messages read; safe to send again.',
    params: messagePath,
    response: { status: 200, body: unreadCount },
  },
  markAllRead: {
    method: 'POST',
    path: '/api/notifications/read-all',
    access: everyone,
    summary: 'Mark all your messages read.',
    response: { status: 200, body: unreadCount },
  },
  getNotificationPreferences: {
    method: 'GET',
    path: '/api/notifications/preferences',
    access: everyone,
    summary: 'Your language and channels per category, with what the school requires.',
    response: { status: 200, body: preferences },
  },
  putNotificationPreferences: {
    method: 'PUT',
    path: '/api/notifications/preferences',
    access: everyone,
    summary: 'Write your language and channels per category.',
    body: preferencesInput,
    response: { status: 200, body: preferences },
  },
  getNotificationSettings: {
    method: 'GET',
    path: '/api/notifications/settings',
    access: ['school-admin'],
    summary: "The school's notification rules: absence alerts and grace time, quiet hours, SMS budget, defaults.",
    response: { status: 200, body: notificationSettingsView },
  },
  putNotificationSettings: {
    method: 'PUT',
    path: '/api/notifications/settings',
    access: ['school-admin'],
    summary: "Write the school's notification rules.",
    body: notificationSettings,
    response: { status: 200, body: notificationSettingsView },
  },
  listNotificationRequests: {
    method: 'GET',
    path: '/api/notifications/requests',
    access: ['school-admin'],
    summary: "The school's notifications, newest first, with their messages counted by status.",
    query: requestsQuery,
    response: { status: 200, body: requestsPage },
  },
  getDeliveryReport: {
    method: 'GET',
    path: '/api/notifications/requests/{requestId}',
    access: ['school-admin'],
    summary: 'A notification and the status of each message: queued, sent, delivered, bounced, opted out, failed.',
    params: requestPath,
    response: { status: 200, body: deliveryReport },
  },
});
