import type { IncomingMessage, ServerResponse } from 'node:http';
import { importJWK, jwtVerify } from 'jose';
import { localPushServicePath } from '../../lambdas/shared/web-push-keys';
import type { Mailbox } from './mailbox';

/** Where the local push service takes pushes: `<app origin>/local/push/<subscription>`. */
export const pushServiceMountPath = localPushServicePath.replace(/\/$/, '');

/** Push services take at most 4,096 bytes of payload (RFC 8030 §7.2). */
const largestBody = 4096;
/** A VAPID token valid for longer than a day is refused (RFC 8292 §2). */
const longestTokenSeconds = 24 * 60 * 60;

/** The sender's VAPID credentials (RFC 8292 §3): `vapid t=<JWT>, k=<public key>`. */
function vapidOf(authorization: string | undefined): { token: string; key: string } | undefined {
  const match = /^vapid\s+(.+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const fields = Object.fromEntries(
    match[1]!.split(',').map((part) => {
      const [name, ...value] = part.trim().split('=');
      return [name!.toLowerCase(), value.join('=')];
    }),
  );
  return fields.t && fields.k ? { token: fields.t, key: fields.k } : undefined;
}

/** The contact the token names, if it is signed by the key and meant for this push service now; else why not. */
async function verifyVapid(vapid: { token: string; key: string }, audience: string): Promise<string> {
  const point = Buffer.from(vapid.key, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = await importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    'ES256',
  );
  const { payload } = await jwtVerify(vapid.token, key, { audience, algorithms: ['ES256'] });
  if (!payload.exp || payload.exp - Date.now() / 1000 > longestTokenSeconds)
    throw new Error('exp is more than a day away');
  if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('sub is no contact');
  return payload.sub;
}

/**
 * A browser push service on the local platform (RFC 8030, with VAPID as RFC 8292 asks): it
 * takes an application server's push for any subscription path, as a browser vendor's service
 * does for the endpoints it gave out, checks what a real one checks (TTL, aes128gcm, size, a
 * VAPID token signed by the key in `k`, for this origin, for at most a day), and keeps the
 * encrypted push in the mailbox. Nothing is delivered to a browser: Chromium subscribes through
 * its vendor's service, which this machine cannot reach. A subscription expired from the
 * mailbox page answers 410, as one a browser dropped does.
 */
export function pushService(mailbox: Mailbox) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const send = (status: number, message: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(message);
    };
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'POST' || !/^\/local\/push\/[A-Za-z0-9_-]{8,}$/.test(url.pathname)) {
      return send(404, 'No such push subscription.');
    }
    const endpoint = `http://${request.headers.host}${url.pathname}`;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const ttl = Number(request.headers.ttl);
        if (request.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0)
          return send(400, 'TTL is required.');
        if (body.length > largestBody) return send(413, 'The payload is larger than 4096 bytes.');
        if (body.length && request.headers['content-encoding'] !== 'aes128gcm') {
          return send(415, 'Only aes128gcm (RFC 8291) is accepted.');
        }
        const vapid = vapidOf(request.headers.authorization);
        if (!vapid) return send(401, 'A VAPID authorization (RFC 8292) is required.');
        let subscriber: string;
        try {
          subscriber = await verifyVapid(vapid, `http://${request.headers.host}`);
        } catch (error) {
          return send(403, `The VAPID token is not valid: ${(error as Error).message}`);
        }
        if (mailbox.isGone(endpoint)) return send(410, 'This subscription has expired.');
        const topic = request.headers.topic;
        const push = mailbox.addPush({
          endpoint,
          ttl,
          urgency: typeof request.headers.urgency === 'string' ? request.headers.urgency : 'normal',
          ...(typeof topic === 'string' ? { topic } : {}),
          subscriber,
          body: body.toString('base64'),
        });
        send(201, '', { location: `${pushServiceMountPath}/messages/${push.id}` });
      })().catch((error: unknown) => send(500, String(error)));
    });
  };
}
