import { appOriginVariable } from '../../shared/platform-variables';
import { readNotificationKeys } from '../../shared/notification-keys';
import { schoolRoutes } from '../school-handler';
import { addPushDevice, listPushDevices, removePushDevice } from './push-subscriptions';
import { pushSubscriptionRoutes } from './push-subscriptions.routes';

export const handler = schoolRoutes(pushSubscriptionRoutes, {
  getPushSettings: async ({ db, principal }) => ({
    publicKey: (await readNotificationKeys()).vapid.publicKey,
    devices: await listPushDevices(db, principal.userId),
  }),
  addPushDevice: async ({ db, principal, body }) =>
    addPushDevice(db, principal.userId, body, process.env[appOriginVariable]),
  removePushDevice: async ({ db, principal, params }) => removePushDevice(db, principal.userId, params.deviceId),
});
