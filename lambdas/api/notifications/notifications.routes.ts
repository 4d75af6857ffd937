import { routeGroup } from '../route-contract';
import {
  announcementCreated,
  announcementDraft,
  announcementInput,
  announcementPreview,
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
  previewAnnouncement: {
    method: 'POST',
    path: '/api/notifications/announcements/preview',
    access: ['school-admin', 'teacher'],
    summary: 'Who an announcement would reach, on which channels, and how it reads; nothing is sent.',
    readOnly: true,
    body: announcementDraft,
    response: { status: 200, body: announcementPreview },
  },
  createAnnouncement: {
    method: 'POST',
    path: '/api/notifications/announcements',
    access: ['school-admin', 'teacher'],
    grants: ['queue-notifications'],
    summary:
      'Send an announcement to the school, a grade, a class, its guardians or all staff, now or later; safe to send again with the same client key.',
    body: announcementInput,
    response: { status: 201, body: announcementCreated },
  },
  listNotificationRequests: {
    method: 'GET',
    path: '/api/notifications/requests',
    access: ['school-admin', 'teacher'],
    summary: "The school's notifications (a teacher's own), newest first, with their messages counted by status.",
    query: requestsQuery,
    response: { status: 200, body: requestsPage },
  },
  getDeliveryReport: {
    method: 'GET',
    path: '/api/notifications/requests/{requestId}',
    access: ['school-admin', 'teacher'],
    summary:
      "A notification (a teacher's own) and the status of each message: queued, sent, delivered, bounced, opted out, failed.",
    params: requestPath,
    response: { status: 200, body: deliveryReport },
  },
});
