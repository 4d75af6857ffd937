import { createECDH, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webPushSecretVariable } from './platform-variables';

/**
 * The stage's VAPID key pair (RFC 8292), which identifies the platform to browsers' push
 * services. Secrets Manager cannot generate an elliptic-curve key, so the stage keeps a random
 * secret (generated at deploy, never leaving Secrets Manager but to the functions granted it)
 * and the P-256 key is derived from it: the same secret gives the same key in every function.
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

let secrets: SecretsManagerClient | undefined;
let cached: Promise<VapidKeys> | undefined;

/** The stage's VAPID keys, read once per execution environment from the secret its variable names. */
export function readVapidKeys(): Promise<VapidKeys> {
  cached ??= (async () => {
    const secretId = process.env[webPushSecretVariable];
    if (!secretId) throw new Error(`${webPushSecretVariable} is not set.`);
    const out = await (secrets ??= new SecretsManagerClient({})).send(
      new GetSecretValueCommand({ SecretId: secretId }),
    );
    const { password } = JSON.parse(out.SecretString ?? '{}') as { password?: string };
    if (!password) throw new Error('The Web Push secret holds no value.');
    return vapidKeysFromSeed(password);
  })().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
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
