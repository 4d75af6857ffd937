import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryReport, RequestsPage } from '../../lambdas/api/notifications/notifications.schemas';
import type { SentEmail } from '../../local/messaging/mailbox';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';
import { until } from '../support/until';

/**
 * Invitations through the notification service, over real HTTP on the local platform: inviting a
 * member of staff or a guardian makes an account nobody knows a password of, and asks, in the
 * record's own statement, for the school's branded invitation e-mail; its link, signed with the
 * stage's key, opens a page where the person chooses a password (once, within a week), and
 * they sign in with it. The invitation is tracked like every other message.
 */
const platform = useLocalPlatform('invitations');
let oak: SchoolFixture;
let admin: SchoolUser;
let guardianId: string;

const emailTo = (address: string) =>
  until(
    async () =>
      platform()
        .messaging.mailbox.list(address)
        .find((m): m is SentEmail => m.kind === 'email'),
    `an e-mail to ${address}`,
    400,
  );

/** The invitation link in an e-mail's text. */
function linkIn(email: SentEmail): URL {
  const found = /(http:\/\/\S+\/api\/invitations\/\S+)/.exec(email.text ?? '');
  expect(found, email.text).not.toBeNull();
  return new URL(found![1]!);
}

const submit = (link: URL, fields: Record<string, string>) =>
  fetch(`${link.origin}${link.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

const goodPassword = 'Mar-e-Serra-2026!';

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakinvite');
  admin = await oak.user('school-admin');
  expect(
    (await admin.call('PUT', '/api/v1/school/settings', { ...exampleSettings, name: 'Escola Carvalho' })).status,
  ).toBe(200);
  const [row] = await oak.db.query<{ id: string }>(
    `WITH admin AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:admin, 'admin@oakinvite.test', 'Ada Admin', 'school-admin'))
     INSERT INTO guardians (name, email) VALUES ('Rita Guardian', 'rita@oakinvite.test') RETURNING id`,
    { admin: admin.userId },
  );
  guardianId = row!.id;
});

describe('invitations through the notification service', () => {
  let link: URL;

  it('sends a member of staff the school’s own invitation, in its language, and no password', async () => {
    const invited = await admin.call('POST', '/api/v1/staff', {
      email: 'Teresa@OakInvite.test',
      name: 'Teresa Teacher',
      role: 'teacher',
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const email = await emailTo('teresa@oakinvite.test');
    expect(email.from).toContain('Escola Carvalho');
    expect(email.subject).toBe('Escola Carvalho convida-o para a sua aplicação escolar');
    expect(email.text).toContain('Teresa Teacher');
    expect(email.text).toContain('professor(a)');
    // Essential: no unsubscribe link; the user pool sent nothing of its own.
    expect(email.headers['List-Unsubscribe']).toBeUndefined();
    expect(platform().outbox.latestFor('teresa@oakinvite.test')).toBeUndefined();
    link = linkIn(email);
    // The stored message holds no usable link: it is signed when sent.
    const [stored] = await oak.db.query<{ body: string }>(
      `SELECT body FROM notification_messages WHERE id = :id::uuid`,
      { id: link.pathname.split('/').at(-1)! },
    );
    expect(stored!.body).not.toContain(link.searchParams.get('token')!);
  });

  it('shows the invitation only to its signed link', async () => {
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Teresa Teacher');
    expect(html).toContain('autocomplete="new-password"');
    const forged = new URL(link);
    forged.searchParams.set('token', `${link.searchParams.get('token')!.slice(0, -2)}AA`);
    const refused = await fetch(forged);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('Teresa');
  });

  it('refuses a weak or mistyped password on the page, in the person’s language', async () => {
    const token = link.searchParams.get('token')!;
    const weak = await submit(link, { token, password: 'short', confirm: 'short' });
    expect(weak.status).toBe(400);
    const said = await weak.text();
    expect(said).toContain('pelo menos 12 caracteres');
    expect(said).toContain('um símbolo');
    const mismatch = await submit(link, { token, password: goodPassword, confirm: `${goodPassword}x` });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('não são iguais');
    await expect(accessTokenFor(platform().url, 'teresa@oakinvite.test', goodPassword)).rejects.toThrow();
  });

  it('sets the chosen password once: the person signs in with it, and the link is used up', async () => {
    const token = link.searchParams.get('token')!;
    const done = await submit(link, { token, password: goodPassword, confirm: goodPassword });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('palavra-passe está definida');
    const access = await accessTokenFor(platform().url, 'teresa@oakinvite.test', goodPassword);
    const inbox = await fetch(`${platform().url}/api/v1/notifications`, {
      headers: { authorization: `Bearer ${access}` },
    });
    expect(inbox.status).toBe(200);

    const again = await submit(link, { token, password: 'Another-Pass-2026!', confirm: 'Another-Pass-2026!' });
    expect(await again.text()).toContain('já foi usado');
    await expect(accessTokenFor(platform().url, 'teresa@oakinvite.test', 'Another-Pass-2026!')).rejects.toThrow();
    const [audited] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity = 'invitation' AND action = 'accept' AND actor = 'invitation-link'`,
    );
    expect(audited!.n).toBe(1);
  });

  it('is tracked like the school’s other messages', async () => {
    const page = await admin.call<RequestsPage>('GET', '/api/v1/notifications/requests?kind=invitation');
    expect(page.status).toBe(200);
    const [request] = page.body.items;
    const report = await admin.call<DeliveryReport>('GET', `/api/v1/notifications/requests/${request!.id}`);
    expect(report.body.messages.map((m) => ({ channel: m.channel, status: m.status }))).toEqual([
      { channel: 'email', status: 'delivered' },
    ]);
  });

  it('invites a guardian the same way, and a link older than a week no longer works', async () => {
    const invited = await admin.call('POST', `/api/v1/guardians/${guardianId}/invite`);
    expect(invited.status, JSON.stringify(invited.body)).toBe(200);
    const guardianLink = linkIn(await emailTo('rita@oakinvite.test'));
    expect(await (await fetch(guardianLink)).text()).toContain('encarregado(a) de educação');
    await oak.db.query(`UPDATE notification_messages SET sent_at = now() - interval '8 days' WHERE id = :id::uuid`, {
      id: guardianLink.pathname.split('/').at(-1)!,
    });
    expect(await (await fetch(guardianLink)).text()).toContain('mais de 7 dias');
    const late = await submit(guardianLink, {
      token: guardianLink.searchParams.get('token')!,
      password: goodPassword,
      confirm: goodPassword,
    });
    expect(await late.text()).toContain('mais de 7 dias');
    await expect(accessTokenFor(platform().url, 'rita@oakinvite.test', goodPassword)).rejects.toThrow();
  });

  it('keeps the link in a school’s own wording of the invitation', async () => {
    const refused = await admin.call<{ error: { fields: { path: string; message: string }[] } }>(
      'PUT',
      '/api/v1/notifications/templates/invitation/pt',
      { subject: 'Convite', body: 'Bem-vindo à escola.', short: 'Convite' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([{ path: 'body.body', message: 'must keep {{link}}' }]);
  });
});
