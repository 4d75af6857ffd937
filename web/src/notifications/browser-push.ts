import type { ApiClient } from '../api/client';
import type { PushDevice, PushSettings, PushSubscriptionInput } from '../api/types';

/** Where the app's service worker is served; its scope is the whole app. */
const serviceWorkerUrl = '/service-worker.js';
/** Which of the person's browsers is this one: the device id the API gave when it was allowed. */
const deviceKey = 'campus.push-device';

/** What this browser can do: no Web Push at all, notifications blocked by the person, or allowed. */
export type PushAvailability = 'unsupported' | 'blocked' | 'available';

export function pushAvailability(): PushAvailability {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'unsupported';
  }
  return Notification.permission === 'denied' ? 'blocked' : 'available';
}

/** The id of this browser among the person's devices, if it was allowed from here. */
export function thisDeviceId(devices: readonly PushDevice[]): string | undefined {
  const id = localStorage.getItem(deviceKey);
  return devices.some((device) => device.id === id) ? (id ?? undefined) : undefined;
}

/** A name the person recognises in their list of browsers. */
function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrome\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Windows/.test(agent)
          ? 'Windows'
          : /Linux/.test(agent)
            ? 'Linux'
            : '';
  return system ? `${browser} · ${system}` : browser;
}

/**
 * Allows this browser: the person's permission, the app's service worker, a push subscription to
 * the stage's public key, and the subscription given to the API. Returns what the API recorded,
 * or why it could not be done ('blocked' when the person said no).
 */
export async function allowThisBrowser(api: ApiClient): Promise<PushDevice | 'blocked'> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'blocked';
  const registration = await navigator.serviceWorker.register(serviceWorkerUrl, { scope: '/' });
  await navigator.serviceWorker.ready;
  const { publicKey } = await api.get<PushSettings>('/api/v1/notifications/push');
  const existing = await registration.pushManager.getSubscription();
  const subscription =
    existing ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      ),
    }));
  const body = { ...(subscription.toJSON() as PushSubscriptionInput), device: deviceName() };
  const device = await api.post<PushDevice>('/api/v1/notifications/push/devices', body);
  localStorage.setItem(deviceKey, device.id);
  return device;
}

/** Stops notifications to one of the person's browsers; for this one, its subscription is dropped too. */
export async function stopBrowser(api: ApiClient, deviceId: string): Promise<void> {
  await api.delete(`/api/v1/notifications/push/devices/${deviceId}`);
  if (localStorage.getItem(deviceKey) !== deviceId) return;
  localStorage.removeItem(deviceKey);
  const registration = await navigator.serviceWorker?.getRegistration(serviceWorkerUrl);
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}
