import { createECDH, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnnouncementCreated, DeliveryReport } from '../../lambdas/api/notifications/notifications.schemas';
import type { PushDevice, PushSettings } from '../../lambdas/api/notifications/push-subscriptions.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import {
  decryptPush,
  type FakePushBrowser,
  newPushBrowser,
  pushesTo as pushesOf,
  subscriptionOf,
} from '../support/push-browser';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { until } from '../support/until';

/**
 * Browser notifications (Web Push) through real HTTP on the local platform: a guardian allows a
 * browser, an announcement reaches it through the local push service, signed with the stage's
 * VAPID key and encrypted to the browser's keys, and a subscription the push service says is
 * gone is removed. The test plays the browser's part (its keys, and reading the push): Chromium
 * subscribes only through its vendor's push service, which this machine cannot reach.
 */
const platform = useLocalPlatform('web-push');
const pushesTo = (browser: FakePushBrowser) => pushesOf(platform(), browser);
let oak: SchoolFixture;
let admin: SchoolUser;
let guardian: SchoolUser;
let otherGuardian: SchoolUser;
let classId: string;

async function announce(title: string): Promise<string> {
  const sent = await admin.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
    audience: { scope: 'class-guardians', classId },
    title,
    body: `${title}: details in the app.`,
    clientKey: `push-${title}-${Date.now()}`,
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.id;
}

const pushReport = async (requestId: string) =>
  (await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${requestId}`)).body.messages.filter(
    (m) => m.channel === 'push',
  );

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakpush');
  admin = await oak.user('school-admin');
  guardian = await oak.user('guardian', { email: 'pushparent@oak.test' });
  otherGuardian = await oak.user('guardian', { email: 'otherparent@oak.test' });
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  const [ids] = await oak.db.query<{ class_id: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 5', 5) RETURNING id),
          admin AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:admin, 'admin@oakpush.test', 'Ada Admin', 'school-admin')),
          class AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                    SELECT year.id, grade.id, '5P' FROM year, grade RETURNING id),
          pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                     SELECT 'P-' || n, 'Pupil' || n, 'Push', class.id FROM class, generate_series(0, 1) n
                     RETURNING id, admission_no),
          parents AS (INSERT INTO guardians (name, email, user_sub)
                      VALUES ('Push Parent', 'pushparent@oak.test', :guardian),
                             ('Other Parent', 'otherparent@oak.test', :other) RETURNING id, email),
          links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                    SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g
                      ON (p.admission_no = 'P-0') = (g.email = 'pushparent@oak.test'))
     SELECT class.id AS class_id FROM class`,
    { admin: admin.userId, guardian: guardian.userId, other: otherGuardian.userId },
  );
  classId = ids!.class_id;
  await changeNotificationRules((method, path, body) => admin.call(method, path, body), noQuietHours);
});

describe('browser notifications (Web Push; the test plays the browser, whose vendor push service is out of reach)', () => {
  let browser: FakePushBrowser;
  let device: PushDevice;
  beforeAll(() => {
    browser = newPushBrowser(platform().url);
  });

  it("tells a browser the stage's public VAPID key, and records its subscription once however often it is sent", async () => {
    const settings = await guardian.call<PushSettings>('GET', '/api/v1/notifications/push');
    expect(settings.status).toBe(200);
    const key = Buffer.from(settings.body.publicKey, 'base64url');
    expect(key).toHaveLength(65);
    expect(key[0]).toBe(4);
    expect(settings.body.devices).toEqual([]);
    // Every function derives the same key from the stage's secret.
    expect((await otherGuardian.call<PushSettings>('GET', '/api/v1/notifications/push')).body.publicKey).toBe(
      settings.body.publicKey,
    );

    const added = await guardian.call<PushDevice>('POST', '/api/v1/notifications/push/devices', {
      ...subscriptionOf(browser),
      device: 'Firefox · Linux',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const again = await guardian.call<PushDevice>(
      'POST',
      '/api/v1/notifications/push/devices',
      subscriptionOf(browser),
    );
    expect(again.body.id).toBe(added.body.id);
    expect(again.body.device).toBe('Firefox · Linux');
    device = added.body;
    const listed = await guardian.call<PushSettings>('GET', '/api/v1/notifications/push');
    expect(listed.body.devices.map((d) => d.id)).toEqual([device.id]);
    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'push-subscription' AND action = 'allow-push'`,
    );
    expect(audited!.n).toBe(2);
  });

  it('refuses endpoints inside the network and keys that are not a browser’s, field by field', async () => {
    const bad = await guardian.call<{ error: { fields: { path: string; message: string }[] } }>(
      'POST',
      '/api/v1/notifications/push/devices',
      { ...subscriptionOf(browser), endpoint: 'http://169.254.169.254/latest/meta-data' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'body.endpoint', message: 'must be an https URL' }]);
    const internal = await guardian.call<{ error: { fields: { path: string }[] } }>(
      'POST',
      '/api/v1/notifications/push/devices',
      { ...subscriptionOf(browser), endpoint: 'https://10.0.0.8/push' },
    );
    expect(internal.status).toBe(400);
    const keys = await guardian.call<{ error: { fields: { path: string }[] } }>(
      'POST',
      '/api/v1/notifications/push/devices',
      { endpoint: `${browser.endpoint}x`, keys: { p256dh: 'abc', auth: browser.auth.toString('base64url') } },
    );
    expect(keys.status).toBe(400);
    expect(keys.body.error.fields.map((f) => f.path)).toEqual(['body.keys.p256dh']);
  });

  it('lets no one stop another person’s browser', async () => {
    const other = await otherGuardian.call('DELETE', `/api/v1/notifications/push/devices/${device.id}`);
    expect(other.status).toBe(404);
    expect((await guardian.call<PushSettings>('GET', '/api/v1/notifications/push')).body.devices).toHaveLength(1);
  });

  it('pushes an announcement to the browser chosen for it, signed and encrypted so only that browser reads it', async () => {
    const chosen = await guardian.call('PUT', '/api/v1/notifications/preferences', {
      locale: 'en',
      channels: { announcements: ['push'] },
    });
    expect(chosen.status).toBe(200);
    const requestId = await announce('Sports day');
    await until(async () => (pushesTo(browser).length ? true : undefined), 'the push', 400);
    const [push] = pushesTo(browser);
    expect(push!.subscriber).toMatch(/^mailto:/);
    expect(push!.urgency).toBe('normal');
    const payload = decryptPush(browser, Buffer.from(push!.body, 'base64')) as Record<string, string>;
    expect(payload).toMatchObject({ title: 'Sports day', url: `${platform().url}/inbox` });
    expect(payload.body).toContain('Sports day: details in the app.');
    // A browser that was not chosen (the other guardian allowed none) gets nothing; its in-app message stands.
    await until(
      async () => ((await pushReport(requestId)).some((m) => m.status === 'sent') ? true : undefined),
      'the push recorded as sent',
      200,
    );
    expect((await pushReport(requestId)).map((m) => m.status)).toEqual(['sent']);
  });

  it('removes a browser whose subscription the push service says is gone, and records the push as failed', async () => {
    platform().messaging.mailbox.expireEndpoint(browser.endpoint);
    const requestId = await announce('Book fair');
    await until(
      async () => ((await pushReport(requestId)).some((m) => m.status === 'failed') ? true : undefined),
      'the push to a gone browser settled',
      400,
    );
    expect((await pushReport(requestId))[0]!.reason).toContain('410');
    expect((await guardian.call<PushSettings>('GET', '/api/v1/notifications/push')).body.devices).toEqual([]);
    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'push-subscription' AND action = 'expire'`,
    );
    expect(audited!.n).toBe(1);
    // No browser left: the next announcement writes no push at all.
    const next = await announce('Concert');
    await until(
      async () =>
        (await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${next}`)).body.status === 'dispatched'
          ? true
          : undefined,
      'the next announcement dispatched',
      400,
    );
    expect(await pushReport(next)).toEqual([]);
  });

  it('reaches a push service that refuses what a real one refuses: no TTL, no VAPID token, a token of another key', async () => {
    const endpoint = newPushBrowser(platform().url).endpoint;
    const post = (headers: Record<string, string>) =>
      fetch(endpoint, { method: 'POST', headers: { 'content-encoding': 'aes128gcm', ...headers }, body: 'x' });
    expect((await post({})).status).toBe(400);
    expect((await post({ ttl: '60' })).status).toBe(401);
    const signer = createECDH('prime256v1');
    signer.generateKeys();
    const other = createECDH('prime256v1');
    other.generateKeys();
    const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({ aud: platform().url, exp: Math.floor(Date.now() / 1000) + 3600, sub: 'mailto:x@example.org' }),
    ).toString('base64url');
    // A signature that is not the key's: what a push service sees from a sender that lost its key.
    const forged = `${header}.${claims}.${randomBytes(64).toString('base64url')}`;
    const refused = await post({
      ttl: '60',
      authorization: `vapid t=${forged}, k=${other.getPublicKey().toString('base64url')}`,
    });
    expect(refused.status).toBe(403);
    expect(pushesTo({ ecdh: signer, auth: Buffer.alloc(16), endpoint })).toEqual([]);
  });

  it('stops a browser at its owner’s word', async () => {
    const second = newPushBrowser(platform().url);
    const added = await guardian.call<PushDevice>('POST', '/api/v1/notifications/push/devices', subscriptionOf(second));
    expect(added.status).toBe(201);
    expect((await guardian.call('DELETE', `/api/v1/notifications/push/devices/${added.body.id}`)).status).toBe(204);
    expect((await guardian.call('DELETE', `/api/v1/notifications/push/devices/${added.body.id}`)).status).toBe(404);
    expect((await guardian.call<PushSettings>('GET', '/api/v1/notifications/push')).body.devices).toEqual([]);
  });
});
