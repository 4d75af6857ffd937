import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pushEndpointProblem, vapidKeysFromSeed } from '../../lambdas/shared/web-push-keys';

describe("the stage's VAPID key, derived from its secret", () => {
  it('is the same P-256 key pair for the same secret in every function, and another for another secret', () => {
    const keys = vapidKeysFromSeed('a stage secret');
    expect(vapidKeysFromSeed('a stage secret')).toEqual(keys);
    expect(vapidKeysFromSeed('another secret').publicKey).not.toBe(keys.publicKey);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    expect(ecdh.getPublicKey().toString('base64url')).toBe(keys.publicKey);
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
  });
});

describe('push endpoints the platform sends to', () => {
  const local = 'http://localhost:3000';
  it("accepts push services' public HTTPS hosts", () => {
    expect(pushEndpointProblem('https://fcm.googleapis.com/fcm/send/abc', undefined)).toBeNull();
    expect(pushEndpointProblem('https://updates.push.services.mozilla.com/wpush/v2/abc', local)).toBeNull();
  });
  it('refuses anything that could reach inside the network', () => {
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/abc',
      'https://169.254.169.254/latest',
      'https://[::1]/push',
      'https://localhost/push',
      'https://intranet/push',
      'https://user:secret@push.example.org/x',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(pushEndpointProblem(endpoint, undefined), endpoint).not.toBeNull();
    }
  });
  it("accepts the local platform's own push service only on the local platform's origin", () => {
    expect(pushEndpointProblem(`${local}/local/push/abcdefgh`, local)).toBeNull();
    expect(pushEndpointProblem(`${local}/api/anything`, local)).not.toBeNull();
    expect(pushEndpointProblem('https://app.example.org/local/push/abcdefgh', 'https://app.example.org')).toBeNull();
    expect(pushEndpointProblem(`${local}/local/push/abcdefgh`, 'https://app.example.org')).not.toBeNull();
  });
});
