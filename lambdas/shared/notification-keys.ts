import { createHmac, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { notificationKeysSecretVariable } from './platform-variables';
import { type VapidKeys, vapidKeysFromSeed } from './web-push-keys';

/**
 * The notification service's keys, all derived from one random secret of the stage (generated
 * at deploy; Secrets Manager cannot generate an elliptic-curve key): the VAPID key pair that signs
 * browser pushes, and the key that signs the links of invitations, so a link proves itself
 * without any secret kept in a school's database.
 */
export interface NotificationKeys {
  readonly vapid: VapidKeys;
  readonly linkKey: Buffer;
}

export function notificationKeysFromSeed(seed: string): NotificationKeys {
  return {
    vapid: vapidKeysFromSeed(seed),
    linkKey: createHmac('sha256', 'campus-cloud link signing').update(seed).digest(),
  };
}

let secrets: SecretsManagerClient | undefined;
let cached: Promise<NotificationKeys> | undefined;

/** The stage's keys, read once per execution environment from the secret its variable names. */
export function readNotificationKeys(): Promise<NotificationKeys> {
  cached ??= (async () => {
    const secretId = process.env[notificationKeysSecretVariable];
    if (!secretId) throw new Error(`${notificationKeysSecretVariable} is not set.`);
    const out = await (secrets ??= new SecretsManagerClient({})).send(
      new GetSecretValueCommand({ SecretId: secretId }),
    );
    const { password } = JSON.parse(out.SecretString ?? '{}') as { password?: string };
    if (!password) throw new Error('The notification keys secret holds no value.');
    return notificationKeysFromSeed(password);
  })().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** The token of a signed link about one message of one school (an invitation). */
export function linkToken(keys: Pick<NotificationKeys, 'linkKey'>, schoolId: string, messageId: string): string {
  return createHmac('sha256', keys.linkKey).update(`${schoolId}/${messageId}`).digest('base64url');
}

/** Whether `token` is the link's own, compared in constant time. */
export function linkTokenMatches(
  keys: Pick<NotificationKeys, 'linkKey'>,
  schoolId: string,
  messageId: string,
  token: string,
): boolean {
  const expected = Buffer.from(linkToken(keys, schoolId, messageId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
