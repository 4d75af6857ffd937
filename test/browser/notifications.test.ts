import { createECDH, randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { SentEmail } from '../../local/messaging/mailbox';
import { checkScreen, desktop, newContext, phone, screenReady, signIn } from '../support/browser';
import { browserTest as test } from '../support/browser-test';
import { demoSchoolOf } from '../support/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import { decryptPush, newPushBrowser, pushesTo, subscriptionOf } from '../support/push-browser';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';

/**
 * Notifications in the web app, in Chromium against the local platform and its demo school: the
 * admin sets the absence rules on their screen, a teacher saves a register on a phone, and the
 * guardians, each in a browser of their own with the app open, see the alert arrive in the
 * header's bell without reloading, once the grace time is over; the local mailbox has the e-mail.
 */
const platform = useLocalPlatform('web-notifications');
const demoSchool = demoSchoolOf(platform);

async function openAs(
  browser: Browser,
  account: { email: string; password: string },
  device: typeof desktop | typeof phone,
  path = '/',
) {
  const context = await newContext(browser, device);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, platform().url, account.email, account.password, path);
  return { context, page, errors };
}

/** The unread count the bell says (its accessible name). */
const bellCount = async (page: Page) => {
  const label = (await page.getByTestId('inbox-bell').getAttribute('aria-label')) ?? '';
  return label.includes('none unread') ? 0 : Number(/^(\d+) unread/.exec(label)?.[1]);
};

const emailsTo = (address: string) =>
  platform()
    .messaging.mailbox.list(address)
    .filter((m): m is SentEmail => m.kind === 'email');

describe('absence alerts in the web app', () => {
  test('a teacher saves two absences at 360 px; the guardian with the app open sees the alert live after the grace time, the corrected one sends nothing', async ({
    browser,
  }) => {
    const { db, demo, signInOf: accountOf } = await demoSchool();

    // The admin's rules: alerts a minute after the register is saved.
    const admin = await openAs(browser, accountOf('school-admin'), desktop, '/notifications/settings');
    await checkScreen(admin.page, 'admin-notification-settings-desktop');
    await admin.page.getByLabel('When alerts go').selectOption('after-register');
    await admin.page.getByLabel('Minutes after the register').fill('1');
    await admin.page.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(() => admin.page.locator('.toast').innerText()).toBe('The notification rules are saved.');
    const [rules] = await db.query<{ absence_grace: string; absence_grace_minutes: number; absence_alerts: boolean }>(
      'SELECT absence_grace, absence_grace_minutes, absence_alerts FROM notification_settings',
    );
    expect(rules).toEqual({ absence_grace: 'after-register', absence_grace_minutes: 1, absence_alerts: true });

    // The teacher's home-room register for today, on a phone.
    const teacher = await openAs(browser, accountOf('teacher'), phone);
    await expect.poll(() => teacher.page.url()).toMatch(/\/my-classes$/);
    const homeroom = teacher.page.locator('.class-card', { has: teacher.page.getByText('Home room') });
    await homeroom.getByRole('link', { name: /^Take attendance for/ }).click();
    await teacher.page.waitForURL(/\/classes\/[\w-]+\/attendance$/);
    // Today's register starts empty (the demo's generated marks may include today): everyone present.
    const classId = /classes\/([\w-]+)\/attendance/.exec(teacher.page.url())![1]!;
    await db.execute(
      `DELETE FROM attendance WHERE class_id = :c::uuid
          AND on_date = (SELECT (now() AT TIME ZONE timezone)::date FROM school_settings)`,
      { c: classId },
    );
    await teacher.page.reload();
    await screenReady(teacher.page);
    const rows = teacher.page.locator('.register-row');
    const admissions = [await rows.nth(0).getAttribute('data-student'), await rows.nth(1).getAttribute('data-student')];
    const pupils = await db.query<{ id: string; admission: string; name: string }>(
      `SELECT id, admission_no AS admission, given_name || ' ' || family_name AS name FROM students
        WHERE admission_no IN (:a, :b) ORDER BY admission_no = :a DESC`,
      { a: admissions[0]!, b: admissions[1]! },
    );
    const [absent, corrected] = pupils as [(typeof pupils)[0], (typeof pupils)[0]];

    // Guardian one (the demo's) is linked to the student who stays absent; guardian two is the other's.
    const [guardianOne] = await db.query<{ id: string; email: string }>(
      `SELECT id, email FROM guardians WHERE lower(email) = lower(:email)`,
      { email: accountOf('guardian').email },
    );
    await db.execute(
      `INSERT INTO student_guardians (student_id, guardian_id, relationship) VALUES (:s::uuid, :g::uuid, 'parent')
       ON CONFLICT DO NOTHING`,
      { s: absent.id, g: guardianOne!.id },
    );
    const [guardianTwo] = await db.query<{ id: string; email: string }>(
      `SELECT g.id, g.email FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id
        WHERE sg.student_id = :s::uuid AND g.id <> :one::uuid ORDER BY g.email LIMIT 1`,
      { s: corrected.id, one: guardianOne!.id },
    );
    const secondAccount = {
      email: `second.guardian.${randomBytes(3).toString('hex')}@demo.test`,
      password: randomBytes(12).toString('base64url'),
    };
    const created = await platform().issuer.users.create({
      email: secondAccount.email,
      name: 'Second guardian',
      groups: ['guardian'],
      schoolId: demo.school.schoolId,
      password: secondAccount.password,
    });
    await db.execute(`UPDATE guardians SET user_sub = :sub WHERE id = :g::uuid`, {
      sub: created.sub,
      g: guardianTwo!.id,
    });
    const correctedGuardians = await db.query<{ email: string }>(
      `SELECT g.email FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id WHERE sg.student_id = :s::uuid`,
      { s: corrected.id },
    );

    // Both guardians have the app open, each in a browser of their own.
    const one = await openAs(browser, accountOf('guardian'), phone);
    const two = await openAs(browser, secondAccount, desktop);
    await expect.poll(() => one.page.getByTestId('inbox-bell').count()).toBe(1);
    const before = { one: await bellCount(one.page), two: await bellCount(two.page) };
    const sentBefore = emailsTo(guardianOne!.email).length;

    // Two absent, one save; then the second was in fact present: corrected within the grace time.
    await rows.nth(0).locator('.segment-absent').click();
    await rows.nth(1).locator('.segment-absent').click();
    await teacher.page.getByRole('button', { name: /^Save the register/ }).click();
    await expect.poll(() => teacher.page.locator('.toast').innerText()).toMatch(/: \d+ students, 2 absent\.$/);
    await checkScreen(teacher.page, 'teacher-register-absences-phone');
    await rows.nth(1).locator('.segment-present').click();
    await teacher.page.getByRole('button', { name: /^Save the register/ }).click();
    await expect.poll(() => teacher.page.locator('.toast').innerText()).toMatch(/: \d+ students, 1 absent\.$/);

    // Nothing before the grace time is over.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await bellCount(one.page)).toBe(before.one);
    // Then the bell of the open app changes by itself.
    await expect.poll(() => bellCount(one.page), { timeout: 120_000, interval: 1000 }).toBe(before.one + 1);
    // The e-mail follows through its sender's queue.
    await expect.poll(() => emailsTo(guardianOne!.email).length, { timeout: 30_000 }).toBe(sentBefore + 1);
    expect(emailsTo(guardianOne!.email).at(-1)!.subject).toContain(absent.name);

    // The corrected student's guardians get nothing, in the app or by e-mail.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await bellCount(two.page)).toBe(before.two);
    for (const { email } of correctedGuardians) {
      expect(emailsTo(email).filter((m) => m.subject.includes(corrected.name))).toEqual([]);
    }

    // The guardian reads it: from the bell to the inbox, then marked read.
    await one.page.getByTestId('inbox-bell').click();
    await one.page.waitForURL(/\/inbox$/);
    await checkScreen(one.page, 'guardian-inbox-phone');
    const item = one.page.locator('.inbox-item-unread', { hasText: absent.name });
    await expect.poll(() => item.count()).toBe(1);
    await item.getByRole('button', { name: /^Mark read: / }).click();
    await expect.poll(() => bellCount(one.page)).toBe(before.one);

    // The local mailbox shows the e-mail as the guardian would read it.
    const mailbox = await one.context.newPage();
    await mailbox.goto(`${platform().url}/local/mail?to=${encodeURIComponent(guardianOne!.email)}`);
    await expect.poll(() => mailbox.getByText(absent.name).count()).toBeGreaterThan(0);

    for (const opened of [admin, teacher, one, two]) {
      expect(opened.errors).toEqual([]);
      await opened.context.close();
    }
  });
});

describe('announcements in the web app', () => {
  test('an admin previews an announcement to a class’s guardians with its count, sends it once, and reads its delivery report', async ({
    browser,
  }) => {
    const { db, signInOf: accountOf } = await demoSchool();
    // An announcement is not urgent: no quiet hours, so that the test holds at any time of day.
    const { email, password } = accountOf('school-admin');
    const token = await accessTokenFor(platform().url, email, password);
    await changeNotificationRules(
      (method, path, body) => callApi(platform().url, token, method, path, body),
      noQuietHours,
    );
    const admin = await openAs(browser, accountOf('school-admin'), phone, '/notifications/announcements');
    await checkScreen(admin.page, 'admin-announcements-phone');
    const [klass] = await db.query<{ id: string; name: string; guardians: number }>(
      `SELECT c.id, c.name, (SELECT count(DISTINCT sg.guardian_id)::int FROM student_guardians sg
                              JOIN students s ON s.id = sg.student_id WHERE s.class_id = c.id AND s.status = 'active') AS guardians
         FROM classes c ORDER BY c.name LIMIT 1`,
    );
    await admin.page.getByLabel('To', { exact: true }).selectOption('class-guardians');
    await admin.page.getByLabel('Class', { exact: true }).selectOption(klass!.id);
    await admin.page.getByRole('textbox', { name: 'Title' }).fill('Visita de estudo');
    await admin.page.getByRole('textbox', { name: 'Message' }).fill('A visita de estudo é na sexta-feira.');
    await admin.page.getByRole('button', { name: 'Preview and count' }).click();
    const preview = admin.page.getByTestId('announcement-preview');
    await expect.poll(() => preview.innerText()).toContain(`It reaches ${klass!.guardians} people`);
    await checkScreen(admin.page, 'admin-announcement-preview-phone');
    // The phone shows every control: nothing off the right edge.
    expect(
      await admin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);

    const send = admin.page.getByRole('button', { name: `Send to ${klass!.guardians} people` });
    await send.click();
    await expect.poll(() => admin.page.locator('.toast').innerText()).toBe(`Sent to ${klass!.guardians} people.`);
    const requests = await db.query<{ id: string }>(
      `SELECT id FROM notification_requests WHERE kind = 'announcement' AND payload->>'title' = 'Visita de estudo'`,
    );
    expect(requests).toHaveLength(1);

    // Its delivery report, from the list of what was sent.
    await admin.page.locator('table a').first().click();
    await admin.page.waitForURL(/\/notifications\/requests\/[\w-]+$/);
    await checkScreen(admin.page, 'admin-delivery-report-phone');
    await expect
      .poll(() => admin.page.getByRole('table').locator('tbody tr').count(), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(klass!.guardians);
    expect(admin.errors).toEqual([]);
    await admin.context.close();
  });
});

describe('browser notifications in the web app', () => {
  test('a guardian sees the browsers that show their notifications at 360 px, and stops one', async ({ browser }) => {
    const { signInOf: accountOf } = await demoSchool();
    const account = accountOf('guardian');
    const token = await accessTokenFor(platform().url, account.email, account.password);
    // A browser allowed elsewhere (a phone), as its Push API would give it.
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const added = await callApi<{ id: string }>(platform().url, token, 'POST', '/api/v1/notifications/push/devices', {
      endpoint: `${platform().url}/local/push/${randomBytes(12).toString('base64url')}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
      device: 'Firefox · Android',
    });
    expect(added.status).toBe(201);

    const guardian = await openAs(browser, account, phone, '/notifications/preferences');
    await checkScreen(guardian.page, 'guardian-notification-preferences-phone');
    await expect.poll(() => guardian.page.getByRole('heading', { name: 'Browser notifications' }).count()).toBe(1);
    // Chromium has the Push API: this browser can be allowed from here.
    await expect
      .poll(() => guardian.page.getByRole('button', { name: 'Allow notifications in this browser' }).count())
      .toBe(1);
    await guardian.page.getByRole('button', { name: 'Stop notifications to Firefox · Android' }).click();
    await expect
      .poll(() => guardian.page.locator('.toast').innerText())
      .toBe('That browser no longer shows your notifications.');
    await expect.poll(() => guardian.page.getByText('No browser shows your notifications.').count()).toBe(1);
    const left = await callApi<{ devices: unknown[] }>(platform().url, token, 'GET', '/api/v1/notifications/push');
    expect(left.body.devices).toEqual([]);
    expect(
      await guardian.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    expect(guardian.errors).toEqual([]);
    await guardian.context.close();
  });

  test('the app’s service worker shows a push the platform sent as a notification, and opening it leads to the message (push handed over through the DevTools protocol, notification click dispatched to the worker: no push service or notification centre here)', async ({
    browser,
  }) => {
    const { db, signInOf: accountOf } = await demoSchool();
    const url = platform().url;
    const guardianAccount = accountOf('guardian');
    const adminAccount = accountOf('school-admin');
    const guardianToken = await accessTokenFor(url, guardianAccount.email, guardianAccount.password);
    const adminToken = await accessTokenFor(url, adminAccount.email, adminAccount.password);
    await changeNotificationRules((method, path, body) => callApi(url, adminToken, method, path, body), noQuietHours);

    // The platform's push, as a subscribed browser receives it: through the local push service, read with its keys.
    const subscribed = newPushBrowser(url);
    const device = await callApi(url, guardianToken, 'POST', '/api/v1/notifications/push/devices', {
      ...subscriptionOf(subscribed),
      device: 'Chromium · Linux',
    });
    expect(device.status).toBe(201);
    const chosen = await callApi(url, guardianToken, 'PUT', '/api/v1/notifications/preferences', {
      locale: 'en',
      channels: { announcements: ['push'] },
    });
    expect(chosen.status).toBe(200);
    const [klass] = await db.query<{ id: string }>(
      `SELECT s.class_id AS id FROM guardians g JOIN student_guardians sg ON sg.guardian_id = g.id
         JOIN students s ON s.id = sg.student_id WHERE lower(g.email) = lower(:email) LIMIT 1`,
      { email: guardianAccount.email },
    );
    const sent = await callApi(url, adminToken, 'POST', '/api/v1/notifications/announcements', {
      audience: { scope: 'class-guardians', classId: klass!.id },
      title: 'Feira do livro',
      body: 'A feira do livro abre na segunda-feira.',
      clientKey: `push-browser-${Date.now()}`,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await expect.poll(() => pushesTo(platform(), subscribed).length, { timeout: 30_000 }).toBe(1);
    const payload = decryptPush(subscribed, Buffer.from(pushesTo(platform(), subscribed)[0]!.body, 'base64')) as {
      title: string;
      body: string;
      url: string;
    };

    const guardian = await openAs(browser, guardianAccount, desktop, '/notifications/preferences');
    await guardian.context.grantPermissions(['notifications'], { origin: url });
    // The worker the app registers when a browser is allowed.
    await guardian.page.evaluate(async () => {
      await navigator.serviceWorker.register('/service-worker.js', { scope: '/' });
      await navigator.serviceWorker.ready;
    });
    await expect
      .poll(() => guardian.page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 })
      .toBe(true);
    const devtools = await guardian.context.newCDPSession(guardian.page);
    const registrations: { registrationId: string; scopeURL: string }[] = [];
    devtools.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
    await devtools.send('ServiceWorker.enable');
    await expect.poll(() => registrations.some((r) => r.scopeURL === `${url}/`), { timeout: 30_000 }).toBe(true);
    const registrationId = () => registrations.filter((r) => r.scopeURL === `${url}/`).at(-1)!.registrationId;
    const shown = () =>
      guardian.page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          url: (n.data as { url?: string } | null)?.url,
        })),
      );
    // Handed over again until it shows, as a push service retries: on a busy machine the worker can still be
    // starting when the first one arrives. The notification's tag (the message) keeps it to one.
    const deliveredAndShown = async () => {
      const now = await shown();
      if (now.length > 0) return now;
      await devtools.send('ServiceWorker.deliverPushMessage', {
        origin: url,
        registrationId: registrationId(),
        data: JSON.stringify(payload),
      });
      return shown();
    };
    await expect
      .poll(deliveredAndShown, { timeout: 30_000, interval: 500 })
      .toEqual([{ title: payload.title, body: payload.body, url: `${url}/inbox` }]);
    expect(payload.title).toBe('Feira do livro');

    // Opening it: the open tab of the app goes to the message, and the notification is closed.
    const worker = guardian.context.serviceWorkers()[0] ?? (await guardian.context.waitForEvent('serviceworker'));
    await worker.evaluate(`(async () => {
      const [notification] = await self.registration.getNotifications();
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
    })()`);
    await guardian.page.waitForURL(`${url}/inbox`, { timeout: 30_000 });
    await expect.poll(shown, { timeout: 30_000 }).toEqual([]);
    await devtools.detach();
    await guardian.context.close();
  });
});
