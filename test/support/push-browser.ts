import { createDecipheriv, createECDH, createHmac, type ECDH, randomBytes } from 'node:crypto';
import type { Platform } from '../../local/platform';
import type { SentPush } from '../../local/messaging/mailbox';

/**
 * A browser's side of a push subscription, played by a test: its P-256 key pair, its
 * authentication secret and an endpoint on the local push service. Chromium subscribes only
 * through its vendor's push service, which this machine cannot reach.
 */
export interface FakePushBrowser {
  readonly ecdh: ECDH;
  readonly auth: Buffer;
  readonly endpoint: string;
}

export function newPushBrowser(platformUrl: string): FakePushBrowser {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    ecdh,
    auth: randomBytes(16),
    endpoint: `${platformUrl}/local/push/${randomBytes(12).toString('base64url')}`,
  };
}

/** The subscription as the Push API's `PushSubscription.toJSON()` gives it. */
export const subscriptionOf = (browser: FakePushBrowser) => ({
  endpoint: browser.endpoint,
  expirationTime: null,
  keys: { p256dh: browser.ecdh.getPublicKey().toString('base64url'), auth: browser.auth.toString('base64url') },
});

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** Reads a push as the browser does: RFC 8291's key derivation over RFC 8188's aes128gcm record. */
export function decryptPush(browser: FakePushBrowser, body: Buffer): unknown {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const serverKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = browser.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.ecdh.getPublicKey(), serverKey]);
  const ikm = hmac(hmac(browser.auth, shared), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  // The last record ends with the delimiter 2, then any padding zeros.
  const end = padded.lastIndexOf(2);
  return JSON.parse(padded.subarray(0, end).toString('utf8'));
}

/** The pushes the local push service took for a browser, newest first. */
export const pushesTo = (platform: Platform, browser: FakePushBrowser) =>
  platform.messaging.mailbox.list(browser.endpoint).filter((m): m is SentPush => m.kind === 'push');
