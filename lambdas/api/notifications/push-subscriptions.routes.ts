import { routeGroup } from '../route-contract';
import { everyone } from './notifications.routes';
import { pushDevice, pushDevicePath, pushSettings, pushSubscriptionInput } from './push-subscriptions.schemas';

/**
 * Browser notifications (Web Push): the browsers a person allowed. A function of its own, the
 * only one of the API that reads the stage's VAPID secret.
 */
export const pushSubscriptionRoutes = routeGroup('lambdas/api/notifications/push-subscriptions.handler.ts', {
  getPushSettings: {
    method: 'GET',
    path: '/api/v1/notifications/push',
    access: everyone,
    grants: ['notification-keys'],
    summary: "The key a browser subscribes with (the stage's public VAPID key), and the browsers you allowed.",
    response: { status: 200, body: pushSettings },
  },
  addPushDevice: {
    method: 'POST',
    path: '/api/v1/notifications/push/devices',
    access: everyone,
    grants: ['notification-keys'],
    summary:
      'Allow this browser: its push subscription, as the browser gives it. Safe to send again; a browser another person allowed before becomes yours.',
    body: pushSubscriptionInput,
    response: { status: 201, body: pushDevice },
  },
  removePushDevice: {
    method: 'DELETE',
    path: '/api/v1/notifications/push/devices/{deviceId}',
    access: everyone,
    summary: 'Stop notifications to one of your browsers.',
    params: pushDevicePath,
    response: { status: 204 },
  },
});
