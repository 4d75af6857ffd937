/**
 * The app's service worker, served as `/service-worker.js` with the whole app as its scope. It
 * shows the school's browser notifications (Web Push): each push carries the message's title,
 * its short text and where to open the app; a click focuses an open tab of the app or opens one.
 */

/** The payload the notification senders push (lambdas/notifications/web-push-sender.ts). */
interface PushPayload {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly school: string;
}

// The worker's global scope, typed here by what it uses: the DOM and worker libraries cannot share one program.
interface WorkerClient {
  readonly url: string;
  focus(): Promise<unknown>;
  navigate(url: string): Promise<unknown>;
}
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { json(): unknown } | null;
}
interface NotificationClickEvent extends ExtendableEvent {
  readonly notification: { close(): void; readonly data: { url?: string } | null };
}
interface WorkerScope {
  readonly location: { readonly origin: string };
  readonly registration: {
    showNotification(title: string, options: Record<string, unknown>): Promise<void>;
  };
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WorkerClient[]>;
    openWindow(url: string): Promise<unknown>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationClickEvent) => void): void;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
}

const worker = globalThis as unknown as WorkerScope;

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('push', (event) => {
  let payload: Partial<PushPayload> = {};
  try {
    payload = event.data?.json() ?? {};
  } catch {
    // A push that is not ours still shows something: browsers require a visible notification.
  }
  event.waitUntil(
    worker.registration.showNotification(payload.title ?? payload.school ?? 'Campus Cloud', {
      body: payload.body ?? '',
      // One notification per message: a push repeated by a retry replaces it.
      tag: payload.id,
      icon: '/favicon.svg',
      data: { url: payload.url },
    }),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const wanted = event.notification.data?.url;
  // Only the app's own pages are opened from a notification.
  const url = wanted && new URL(wanted, worker.location.origin).origin === worker.location.origin ? wanted : '/inbox';
  event.waitUntil(
    worker.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (open) => {
      const tab = open.find((client) => new URL(client.url).origin === worker.location.origin);
      if (!tab) return worker.clients.openWindow(url);
      await tab.navigate(url);
      return tab.focus();
    }),
  );
});
