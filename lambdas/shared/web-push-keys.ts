import { createECDH, createHash } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The stage's VAPID key pair (RFC 8292), which identifies the platform to browsers' push
 * services, derived from the stage's notification keys secret (`notification-keys.ts`).
 */
export interface VapidKeys {
  /** The uncompressed public point, base64url: the browser's `applicationServerKey`. */
  readonly publicKey: string;
  /** The private scalar, base64url. */
  readonly privateKey: string;
}

/** The VAPID key pair a seed gives (SHA-256 of it as the scalar; re-hashed in the ~2^-32 case it is out of range). */
export function vapidKeysFromSeed(seed: string): VapidKeys {
  let scalar = createHash('sha256').update(`campus-cloud vapid\0${seed}`).digest();
  for (;;) {
    try {
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(scalar);
      return { publicKey: ecdh.getPublicKey().toString('base64url'), privateKey: scalar.toString('base64url') };
    } catch {
      scalar = createHash('sha256').update(scalar).digest();
    }
  }
}

/** Where the local platform's push service takes pushes, on the app's own origin. */
export const localPushServicePath = '/local/push/';

/**
 * Why the platform would not send to a push endpoint, or null. The platform's senders POST to
 * whatever endpoint a browser gave, so only public HTTPS hosts are accepted (no IP literal, no
 * localhost: nothing inside the network can be reached through it); on the local platform,
 * whose app origin is plain HTTP on localhost, its own push service is accepted too.
 */
export function pushEndpointProblem(endpoint: string, appOrigin: string | undefined): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'is not a URL';
  }
  if (appOrigin?.startsWith('http://localhost:') && endpoint.startsWith(`${appOrigin}${localPushServicePath}`)) {
    return null;
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
    return "must be a push service's public host name";
  }
  if (url.username || url.password) return 'must not hold credentials';
  return null;
}
