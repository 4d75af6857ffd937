import webPush from 'web-push';
import { logger } from '../shared/observability';
import { appOriginVariable, mailFromVariable } from '../shared/platform-variables';
import { readNotificationKeys } from '../shared/notification-keys';
import { pushEndpointProblem, type VapidKeys } from '../shared/web-push-keys';
import type { MessageSenders, OutgoingMessage, PushSubscriptionRecord, SendOutcome } from './channels';

/** How long a push service keeps a message for a browser that is offline: a day, then it is stale. */
const timeToLiveSeconds = 24 * 60 * 60;
/** A push service that has not answered by then is taken to have failed for a while. */
const requestTimeoutMs = 10_000;

/** What a notification shows: the `push` event's data, read by the app's service worker. */
export interface PushPayload {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly url: string;
  readonly school: string;
}

type OneResult = { kind: 'sent'; location: string } | { kind: 'gone' | 'refused'; reason: string } | { kind: 'retry' };

/**
 * Sends a message to one browser through its push service (RFC 8030): the payload encrypted to
 * the browser's keys (RFC 8291, aes128gcm) and signed with the stage's VAPID key (RFC 8292) by
 * `web-push`; the request itself made here, so its timeout and status are the sender's to read.
 * The message's id is the push `Topic`, so a retry replaces a copy the browser has not fetched.
 */
async function pushToBrowser(
  subscription: PushSubscriptionRecord,
  payload: PushPayload,
  options: { keys: VapidKeys; subject: string; urgent: boolean },
): Promise<OneResult> {
  const details = webPush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
    JSON.stringify(payload),
    {
      vapidDetails: {
        subject: options.subject,
        publicKey: options.keys.publicKey,
        privateKey: options.keys.privateKey,
      },
      TTL: timeToLiveSeconds,
      urgency: options.urgent ? 'high' : 'normal',
      topic: payload.id.replace(/-/g, ''),
      contentEncoding: 'aes128gcm',
    },
  );
  let response: Response;
  try {
    response = await fetch(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: 'error',
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await response.arrayBuffer();
  } catch (error) {
    logger.warn('a push service did not answer', { subscriptionId: subscription.id, error });
    return { kind: 'retry' };
  }
  if (response.ok) return { kind: 'sent', location: response.headers.get('location') ?? subscription.id };
  if (response.status === 404 || response.status === 410)
    return { kind: 'gone', reason: `push service ${response.status}` };
  if (response.status === 429 || response.status >= 500) return { kind: 'retry' };
  // 400, 403 (a VAPID key the subscription was not made with), 413: trying again changes nothing.
  return { kind: 'refused', reason: `push service ${response.status}` };
}

/**
 * The push channel: a message goes to every browser of its recipient. It is sent if one
 * browser's push service took it; a browser whose subscription is gone is reported for removal;
 * if none took it and one may later, the send throws so the queue tries again.
 */
export function webPushSender(
  keys: () => Promise<VapidKeys> = async () => (await readNotificationKeys()).vapid,
  environment: NodeJS.ProcessEnv = process.env,
): MessageSenders['push'] {
  return async (message: OutgoingMessage): Promise<SendOutcome> => {
    const appOrigin = environment[appOriginVariable];
    const subscriptions = message.subscriptions ?? [];
    const payload: PushPayload = {
      id: message.id,
      title: message.subject,
      body: message.body,
      url: message.openUrl ?? `${appOrigin ?? ''}/inbox`,
      school: message.schoolName,
    };
    const options = {
      keys: await keys(),
      // Push services contact the sender here if its pushes misbehave.
      subject: `mailto:${environment[mailFromVariable] ?? 'notifications@campus.local'}`,
      urgent: message.urgent ?? false,
    };
    const results = await Promise.all(
      subscriptions.map(async (subscription) => {
        const problem = pushEndpointProblem(subscription.endpoint, appOrigin);
        const result: OneResult = problem
          ? { kind: 'refused', reason: `the endpoint ${problem}` }
          : await pushToBrowser(subscription, payload, options);
        return { subscription, result };
      }),
    );
    const goneSubscriptions = results.filter((r) => r.result.kind === 'gone').map((r) => r.subscription.id);
    const sent = results.find((r) => r.result.kind === 'sent');
    if (sent && sent.result.kind === 'sent')
      return { status: 'sent', providerId: sent.result.location, goneSubscriptions };
    if (results.some((r) => r.result.kind === 'retry')) throw new Error('No push service took the message yet.');
    const reasons = results.map((r) => ('reason' in r.result ? r.result.reason : '')).filter(Boolean);
    return {
      status: 'failed',
      reason: subscriptions.length
        ? `no browser took it (${[...new Set(reasons)].join(', ')})`
        : 'no browser allowed it',
      goneSubscriptions,
    };
  };
}
