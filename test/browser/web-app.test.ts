import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import type { DemoSchool } from '../../local/demo/demo-school';
import {
  checkScreen,
  desktop,
  newContext,
  phone,
  screenReady,
  screenshot,
  seriousViolations,
  signIn,
} from '../support/browser';
import { browserTest as test } from '../support/browser-test';
import { demoSchoolOf } from '../support/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { clientCredentialsGrant, token } from '../support/sign-in';

/**
 * The web app in Debian's Chromium against a real local platform and its demo school: each
 * role signs in through the local issuer and does its main task; every screen it visits is
 * checked with axe-core and photographed at phone and desktop width (test-results/screens/).
 */

// Directory reads are not cached, so a school suspended by a test is seen at once.
const platform = useLocalPlatform('web-app', { directoryCacheSeconds: 0 });
const demoSchool = demoSchoolOf(platform);

function signInOf(demo: DemoSchool, role: string) {
  const account = demo.signIns.find((s) => s.role === role);
  if (!account) throw new Error(`the demo school has no ${role}`);
  return account;
}

/** A new browser context with the viewport of `device`, signed in as the demo school's `role` (at `path`). */
async function signedIn(browser: Browser, role: string, device: typeof desktop | typeof phone, path?: string) {
  const { demo, db } = await demoSchool();
  const account = signInOf(demo, role);
  const context = await newContext(browser, device);
  const page = await context.newPage();
  await signIn(page, platform().url, account.email, account.password, path);
  return { demo, db, account, context, page };
}

/** A signed-in guardian's children, by given name, as the tests that open a child's page need them. */
async function guardiansChildren(email: string) {
  const { db } = await demoSchool();
  return db.query<{ id: string; name: string; admissionNo: string; classId: string }>(
    `SELECT s.id, s.given_name || ' ' || s.family_name AS name, s.admission_no AS "admissionNo",
            s.class_id AS "classId"
       FROM students s JOIN student_guardians sg ON sg.student_id = s.id
       JOIN guardians g ON g.id = sg.guardian_id WHERE g.email = :email ORDER BY s.given_name`,
    { email },
  );
}

/** The most recent Saturday at least `weeksBack` weeks ago: a day the demo school has no marks for. */
function saturday(weeksBack: number): string {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 1) % 7) - 7 * weeksBack);
  return day.toISOString().slice(0, 10);
}

/** From the teacher's class list, the register of their home-room class; resolves to the class id. */
async function openHomeroomRegister(page: Page): Promise<string> {
  await expect.poll(() => page.url()).toMatch(/\/my-classes$/);
  const homeroomCard = page.locator('.class-card', { has: page.getByText('Home room') });
  const className = (await homeroomCard.locator('h2').innerText()).replace('Home room', '').trim();
  await homeroomCard.getByRole('link', { name: `Take attendance for ${className}` }).click();
  await page.waitForURL(/\/classes\/[\w-]+\/attendance$/);
  return /classes\/([\w-]+)\/attendance/.exec(page.url())![1]!;
}

describe('teacher', () => {
  test('marks a class on a 360 px phone in a few taps, then again offline, and the marks reach the database once', async ({
    browser,
  }) => {
    const { db, context, page } = await signedIn(browser, 'teacher', phone);

    await expect.poll(() => page.url()).toMatch(/\/my-classes$/);
    await checkScreen(page, 'teacher-my-classes-phone');
    const classId = await openHomeroomRegister(page);

    // A day without marks: everyone starts present.
    const day = saturday(1);
    await page.goto(`${platform().url}/classes/${classId}/attendance?date=${day}`);
    await checkScreen(page, 'teacher-attendance-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const rows = page.locator('.register-row');
    const students = await rows.count();
    expect(students).toBeGreaterThan(10);
    await expect.poll(() => page.locator('input[value="present"]:checked').count()).toBe(students);

    // Two absent, one late: a tap each, then one save.
    await rows.nth(0).locator('.segment-absent').click();
    await rows.nth(1).locator('.segment-absent').click();
    await rows.nth(2).locator('.segment-late').click();
    await page.getByRole('button', { name: /^Save the register/ }).click();
    await expect.poll(() => page.locator('.toast').innerText()).toBe(`Saved: ${students} students, 2 absent.`);
    const saved = await db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM attendance WHERE class_id = :classId::uuid AND on_date = :day::date
          GROUP BY status ORDER BY status`,
      { classId, day },
    );
    expect(saved).toEqual([
      { status: 'absent', n: 2 },
      { status: 'late', n: 1 },
      { status: 'present', n: students - 3 },
    ]);

    // Offline: the register of another day opens from the class list kept on the phone.
    const offlineDay = saturday(2);
    await context.setOffline(true);
    await page.getByLabel('Day').fill(offlineDay);
    await expect.poll(() => page.getByText('Offline: this is the class list from your last visit.').count()).toBe(1);
    await expect.poll(() => rows.count()).toBe(students);
    await rows.nth(3).locator('.segment-absent').click();
    await page.getByRole('button', { name: /^Save the register/ }).click();
    await expect
      .poll(() => page.locator('.toast').innerText())
      .toBe('Saved on this device. It will be sent when the connection returns.');
    await expect.poll(() => page.getByTestId('sync-status').innerText()).toBe('Offline · 1 register waiting');
    await checkScreen(page, 'teacher-attendance-offline-phone');
    const countOn = async (date: string) =>
      (
        await db.query<{ n: number; absent: number }>(
          `SELECT count(*)::int AS n, (count(*) FILTER (WHERE status = 'absent'))::int AS absent
               FROM attendance WHERE class_id = :classId::uuid AND on_date = :date::date`,
          { classId, date },
        )
      )[0]!;
    expect(await countOn(offlineDay)).toEqual({ n: 0, absent: 0 });

    // Back online: the waiting register is sent by itself, once.
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('sync-status').count(), { timeout: 15_000 }).toBe(0);
    expect(await countOn(offlineDay)).toEqual({ n: students, absent: 1 });
    // Saving the same register again changes nothing: the API's key is (student, day).
    await page.reload();
    await screenReady(page);
    await expect.poll(() => page.locator('input[value="absent"]:checked').count()).toBe(1);
    await page.getByRole('button', { name: /^Save the register/ }).click();
    await expect.poll(() => page.locator('.toast').innerText()).toBe(`Saved: ${students} students, 1 absent.`);
    expect(await countOn(offlineDay)).toEqual({ n: students, absent: 1 });
    await context.close();
  });

  test('sees a register saved offline that the school then refused, with the reason, and discards it', async ({
    browser,
  }) => {
    const { demo, db, context, page } = await signedIn(browser, 'teacher', phone);
    const classId = await openHomeroomRegister(page);
    const day = saturday(3);
    await page.goto(`${platform().url}/classes/${classId}/attendance?date=${day}`);
    await screenReady(page);

    // Saved offline; by the time the connection returns, the school has been suspended (read-only).
    await context.setOffline(true);
    await page.locator('.register-row').nth(0).locator('.segment-absent').click();
    await page.getByRole('button', { name: /^Save the register/ }).click();
    await expect.poll(() => page.getByTestId('sync-status').innerText()).toBe('Offline · 1 register waiting');
    const directory = new TenantDirectory();
    await directory.setStatus(demo.school.schoolId, ['ACTIVE'], 'SUSPENDED');
    try {
      await context.setOffline(false);
      const refusal = page.getByText(/^The school did not accept the register saved on this device: /);
      await expect.poll(() => refusal.count(), { timeout: 15_000 }).toBe(1);
      expect(await refusal.innerText()).toContain('This school is suspended');
      await checkScreen(page, 'teacher-attendance-refused-phone');
      // A refusal is not retried: the teacher decides, here by discarding it.
      await page.getByRole('button', { name: 'Discard the register saved on this device' }).click();
      await expect.poll(() => refusal.count()).toBe(0);
      await expect.poll(() => page.getByTestId('sync-status').count()).toBe(0);
    } finally {
      await directory.setStatus(demo.school.schoolId, ['SUSPENDED'], 'ACTIVE');
    }
    // Gone from the device too: a reload (with the school active again) finds nothing waiting.
    await page.reload();
    await screenReady(page);
    expect(await page.getByTestId('sync-status').count()).toBe(0);
    const [{ n }] = (await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM attendance WHERE class_id = :classId::uuid AND on_date = :day::date',
      { classId, day },
    )) as [{ n: number }];
    expect(n).toBe(0);
    await context.close();
  });

  test('sees its classes at desktop width too', async ({ browser }) => {
    const { context, page } = await signedIn(browser, 'teacher', desktop);
    await checkScreen(page, 'teacher-my-classes-desktop');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('My classes');
    await context.close();
  });
});

describe('teacher, scores', () => {
  test('enters scores from the keyboard, Enter moving to the next student, and they are saved', async ({ browser }) => {
    const { demo, db } = await demoSchool();
    const teacher = signInOf(demo, 'teacher');
    const [assessment] = await db.query<{ id: string; class_id: string; subject_id: string; term_id: string }>(
      `SELECT a.id, a.class_id, a.subject_id, a.term_id FROM assessments a
         JOIN teaching_assignments ta ON ta.class_id = a.class_id AND ta.subject_id = a.subject_id
         JOIN staff st ON st.id = ta.staff_id WHERE st.email = :email ORDER BY a.name LIMIT 1`,
      { email: teacher.email },
    );
    const context = await newContext(browser, desktop);
    const page = await context.newPage();
    const { class_id: classId, subject_id: subjectId, term_id: termId, id } = assessment!;
    await signIn(
      page,
      platform().url,
      teacher.email,
      teacher.password,
      `/classes/${classId}/scores?subjectId=${subjectId}&termId=${termId}&assessmentId=${id}`,
    );
    await page.locator('#score-0').waitFor();
    await checkScreen(page, 'teacher-scores-desktop');
    await page.locator('#score-0').fill('13.5');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('score-1');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('7');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('score-0');
    await page.getByRole('button', { name: 'Save scores' }).click();
    await expect.poll(() => page.locator('.toast').innerText()).toMatch(/^Saved \d+ scores/);
    const saved = await db.query<{ score: number }>(
      `SELECT sc.score::float8 AS score FROM scores sc JOIN students s ON s.id = sc.student_id
        WHERE sc.assessment_id = :id::uuid AND s.status = 'active'
        ORDER BY s.family_name, s.given_name, s.id LIMIT 2`,
      { id },
    );
    expect(saved.map((row) => row.score)).toEqual([13.5, 7]);
    await context.close();
  });
});

describe('session', () => {
  test('renews an expired access token with the refresh token, then signs out for good', async ({ browser }) => {
    const { context, page } = await signedIn(browser, 'teacher', desktop);
    const stored = () =>
      page.evaluate(() => {
        const key = Object.keys(sessionStorage).find((name) => name.startsWith('oidc.user:'));
        return key
          ? (JSON.parse(sessionStorage.getItem(key)!) as { access_token: string; refresh_token: string })
          : undefined;
      });
    // Age the stored token past its expiry: the next start must refresh it.
    await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((name) => name.startsWith('oidc.user:'))!;
      const user = JSON.parse(sessionStorage.getItem(key)!) as { expires_at: number };
      sessionStorage.setItem(key, JSON.stringify({ ...user, expires_at: Math.floor(Date.now() / 1000) - 10 }));
    });
    const before = (await stored())!;
    const grants: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/oauth2/token'))
        grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '');
    });
    await page.reload();
    await screenReady(page);
    expect(grants).toEqual(['refresh_token']);
    const after = (await stored())!;
    expect(after.access_token).not.toBe(before.access_token);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('My classes');

    // Sign out: the issuer asks once, the app is back at its sign-in page, and the refresh token is revoked.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/oauth2\//);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'issuer-sign-out-desktop');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/oauth2'));
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    expect(await stored()).toBeUndefined();
    const config = (await (await fetch(`${platform().url}/config.json`)).json()) as {
      authority: string;
      clientId: string;
    };
    const reuse = await token(`${config.authority}/token`, {
      grant_type: 'refresh_token',
      refresh_token: after.refresh_token,
      client_id: config.clientId,
    });
    expect(reuse.status).toBe(400);
    await context.close();
  });
});

describe('school admin', () => {
  test('signs in to the dashboard and finds a student by name', async ({ browser }) => {
    const { db, context, page } = await signedIn(browser, 'school-admin', desktop);
    await expect.poll(() => page.url()).toMatch(/\/dashboard$/);
    await checkScreen(page, 'admin-dashboard-desktop');
    const [active] = await db.query<{ n: number; given_name: string; family_name: string }>(
      `SELECT (SELECT count(*)::int FROM students WHERE status = 'active') AS n, given_name, family_name
         FROM students WHERE status = 'active' ORDER BY admission_no LIMIT 1`,
    );
    await expect.poll(() => page.getByText(`of ${active!.n} students scored`).count()).toBe(1);

    await page.getByRole('link', { name: 'Students', exact: true }).click();
    await screenReady(page);
    await page.getByLabel('Search').fill(active!.family_name);
    await page.getByRole('button', { name: 'Search' }).click();
    const link = page.getByRole('link', { name: `${active!.family_name}, ${active!.given_name}` });
    await link.first().click();
    await page.waitForURL(/\/students\/[\w-]+$/);
    await checkScreen(page, 'admin-student-profile-desktop');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText())
      .toBe(`${active!.given_name} ${active!.family_name}`);
    await context.close();
  });

  test('imports a CSV of 200 students: checks it, sees the refused rows, fixes it, imports it, and again changes nothing', async ({
    browser,
  }) => {
    const { db, context, page } = await signedIn(browser, 'school-admin', desktop, '/import');
    await checkScreen(page, 'admin-import-desktop');
    const header = 'admission_no,given_name,family_name,date_of_birth,class,guardian_name,guardian_email,relationship';
    const rows = Array.from({ length: 200 }, (_, i) => {
      const n = String(i + 1).padStart(3, '0');
      return `WEB-${n},Ana${n},Import${n},2012-03-${String((i % 28) + 1).padStart(2, '0')},7A,Parent ${n},parent${n}@families.example,mother`;
    });
    const broken = [...rows];
    broken[4] = 'WEB-005,Ana005,Import005,2012-02-30,7A,Parent 005,parent005@families.example,mother';
    const upload = (lines: string[]) =>
      page.getByLabel('CSV file').setInputFiles({
        name: 'students.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from([header, ...lines].join('\n')),
      });

    await upload(broken);
    await page.getByRole('button', { name: 'Check the file' }).click();
    // The import function's first call starts its execution environment (a cold start), so this waits longer.
    await expect
      .poll(() => page.getByRole('heading', { name: 'What the import would do' }).count(), { timeout: 20_000 })
      .toBe(1);
    // Line 6 of the file (after the header) is the refused one, with its column and reason.
    const refused = page.locator('tbody tr', { hasText: 'Refused' });
    await expect.poll(() => refused.count()).toBe(1);
    expect((await refused.innerText()).split('\t')).toEqual(['6', '—', 'Refused', 'date_of_birth: Invalid ISO date']);
    expect(await page.getByRole('button', { name: /^Import/ }).isDisabled()).toBe(true);
    await checkScreen(page, 'admin-import-report-desktop');

    await upload(rows);
    await page.getByRole('button', { name: 'Check the file' }).click();
    const importButton = page.getByRole('button', { name: 'Import 200 rows' });
    await importButton.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Imported' }).count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.locator('.toast').innerText()).toBe('Imported 200 rows.');
    const count = async () =>
      (
        await db.query<{ students: number; linked: number }>(
          `SELECT count(*)::int AS students,
                  (SELECT count(*)::int FROM student_guardians sg JOIN students s ON s.id = sg.student_id
                    WHERE s.admission_no LIKE 'WEB-%') AS linked
             FROM students WHERE admission_no LIKE 'WEB-%'`,
        )
      )[0];
    expect(await count()).toEqual({ students: 200, linked: 200 });

    // The same file again: every row is already there.
    await page.getByRole('button', { name: 'Check the file' }).click();
    await expect.poll(() => page.locator('.stat', { hasText: 'Already there' }).innerText()).toContain('200');
    expect(await count()).toEqual({ students: 200, linked: 200 });
    await context.close();
  });
});

describe('bursar', () => {
  test('records a payment whose first answer is lost, saves again, and the school has it once', async ({ browser }) => {
    const { db, context, page } = await signedIn(browser, 'bursar', desktop, '/fees/payments/new');
    const [student] = await db.query<{ id: string; admission_no: string; family_name: string; paid: number }>(
      `SELECT s.id, s.admission_no, s.family_name,
              (SELECT count(*)::int FROM payments p WHERE p.student_id = s.id) AS paid
         FROM students s WHERE s.status = 'active' AND s.admission_no NOT LIKE 'WEB-%' ORDER BY s.admission_no LIMIT 1`,
    );
    await page.getByLabel('Find the student').fill(student!.admission_no);
    await page.getByRole('button', { name: 'Search' }).click();
    const choice = page.getByLabel('Student', { exact: true });
    await expect.poll(() => choice.locator('option').count()).toBeGreaterThan(1);
    await choice.selectOption(student!.id);
    await page.getByLabel('Amount').fill('12,50');
    await page.getByLabel('Paid by').selectOption('bank-transfer');
    await checkScreen(page, 'bursar-payment-desktop');

    // The server records the first request, but its answer never reaches the browser.
    let lost = 0;
    await page.route('**/api/v1/payments', async (route) => {
      if (lost++ === 0) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Record the payment' }).click();
    // The payments function's first call is a cold start.
    await expect.poll(() => page.getByRole('alert').innerText(), { timeout: 20_000 }).toContain('cannot be reached');
    await page.getByRole('button', { name: 'Record the payment' }).click();
    await page.waitForURL(/\/fees\/receipts\/[\w-]+$/);
    await checkScreen(page, 'bursar-receipt-desktop');
    expect(await page.locator('.receipt').innerText()).toContain('12,50');
    const payments = await db.query<{ amount_minor: number; method: string }>(
      `SELECT amount_minor::int, method FROM payments WHERE student_id = :id::uuid ORDER BY recorded_at`,
      { id: student!.id },
    );
    expect(payments).toHaveLength(student!.paid + 1);
    expect(payments.at(-1)).toEqual({ amount_minor: 1250, method: 'bank-transfer' });
    await context.close();
  });
});

describe('guardian', () => {
  test('sees only their own children, and another student is not found', async ({ browser }) => {
    const { db, account: guardian, context, page } = await signedIn(browser, 'guardian', phone);
    await expect.poll(() => page.url()).toMatch(/\/children$/);
    await checkScreen(page, 'guardian-children-phone');
    const children = await guardiansChildren(guardian.email);
    expect(children.length).toBeGreaterThan(0);
    const shown = (await page.locator('.class-card h2').allInnerTexts()).map((text) => text.trim()).sort();
    expect(shown).toEqual(children.map((child) => child.name).sort());

    await page.getByRole('link', { name: children[0]!.name }).click();
    await page.waitForURL(/\/children\/[\w-]+$/);
    await checkScreen(page, 'guardian-child-phone');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(children[0]!.name);

    const [stranger] = await db.query<{ id: string }>(
      `SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM student_guardians sg JOIN guardians g
         ON g.id = sg.guardian_id WHERE g.email = :email) LIMIT 1`,
      { email: guardian.email },
    );
    await page.goto(`${platform().url}/children/${stranger!.id}`);
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Not found');
    await context.close();
  });
});

describe('consents', () => {
  test('a guardian gives, then withdraws, analytics consent for their child at 360 px, and the school admin sees it in the class list', async ({
    browser,
  }) => {
    const { db, account, context, page } = await signedIn(browser, 'guardian', phone);
    const [child] = await guardiansChildren(account.email);
    await page.goto(`${platform().url}/children/${child!.id}`);
    await screenReady(page);
    const consents = page.getByRole('region', { name: 'Consents' });
    await consents.getByRole('button', { name: 'Give consent: Analytics' }).click();
    await expect.poll(() => page.locator('.toast').innerText()).toBe('Your decision is recorded.');
    await consents.getByRole('button', { name: 'Withdraw consent: Analytics' }).click();
    await expect
      .poll(() => page.locator('.toast').innerText())
      .toBe('Consent withdrawn: what was computed from it is removed.');
    await expect.poll(() => consents.getByText('Analytics does not score this student.').count()).toBe(1);
    await checkScreen(page, 'guardian-child-consents-phone');
    const [state] = await db.query<{ decisions: string[]; analytics: number }>(
      `SELECT array_agg(status ORDER BY recorded_at) AS decisions,
              (SELECT count(*)::int FROM student_analytics WHERE student_id = :id::uuid) AS analytics
         FROM consents WHERE student_id = :id::uuid AND purpose = 'analytics'`,
      { id: child!.id },
    );
    expect(state).toEqual({ decisions: ['given', 'withdrawn'], analytics: 0 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await context.close();

    const admin = await signedIn(browser, 'school-admin', desktop, '/privacy/consents');
    await screenReady(admin.page);
    await admin.page.getByLabel('Class', { exact: true }).selectOption(child!.classId);
    const row = admin.page.getByRole('row', { name: new RegExp(child!.name) });
    await expect.poll(() => row.innerText()).toContain('Withdrawn');
    await admin.context.close();
  });
});

describe('platform operator', () => {
  test('sees the schools and follows the demo school’s onboarding run step by step', async ({ browser }) => {
    await demoSchool();
    const operator = platform().firstRunSignIn!;
    const context = await newContext(browser, desktop);
    const page = await context.newPage();
    await signIn(page, platform().url, operator.username, operator.password);
    await expect.poll(() => page.url()).toMatch(/\/platform\/schools$/);
    await checkScreen(page, 'operator-schools-desktop');
    await expect.poll(() => page.getByRole('cell', { name: 'demo-high' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Onboarding' }).click();
    await screenReady(page);
    await checkScreen(page, 'operator-onboarding-desktop');
    await page
      .getByRole('link', { name: /^onboard-demo-high/ })
      .first()
      .click();
    await page.waitForURL(/\/platform\/onboarding\/[\w-]+$/);
    await checkScreen(page, 'operator-onboarding-run-desktop');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Demo High School');
    expect(await page.locator('.step-succeeded').count()).toBeGreaterThan(3);
    await context.close();
  });
});

describe('data requests', () => {
  test('a guardian asks for a copy of their child’s data at 360 px, downloads it once, and the school admin sees it answered', async ({
    browser,
  }) => {
    const { account, context, page } = await signedIn(browser, 'guardian', phone);
    const [child] = await guardiansChildren(account.email);
    await page.goto(`${platform().url}/children/${child!.id}`);
    await screenReady(page);
    const card = page.getByRole('region', { name: 'A copy of the data' });
    await card.getByRole('button', { name: 'Prepare a copy' }).click();
    await expect
      .poll(() => page.locator('.toast').innerText(), { timeout: 15_000 })
      .toBe('The copy is being prepared.');
    const download = card.getByRole('button', { name: /^Download \(/ });
    await expect.poll(() => download.count(), { timeout: 60_000 }).toBe(1);
    await checkScreen(page, 'guardian-child-data-request-phone');
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.suggestedFilename()).toBe(`student-data-${child!.admissionNo}.zip`);
    expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe('PK');
    await expect.poll(() => card.getByText('Downloaded', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(await download.count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await context.close();

    const admin = await signedIn(browser, 'school-admin', desktop, '/privacy/requests');
    await screenReady(admin.page);
    const row = admin.page.getByRole('row', { name: new RegExp(child!.name) }).first();
    await expect.poll(() => row.innerText()).toContain('Downloaded');
    await admin.context.close();
  });

  test('a guardian asks for erasure at 360 px once told what it does; the school admin refuses it, and the family reads why', async ({
    browser,
  }) => {
    const { db, account, context, page } = await signedIn(browser, 'guardian', phone);
    const [child] = await guardiansChildren(account.email);
    await page.goto(`${platform().url}/children/${child!.id}`);
    await screenReady(page);
    const card = page.getByRole('region', { name: 'A copy of the data' });
    await card.getByRole('button', { name: 'Ask for erasure' }).click();
    const confirm = card.getByRole('group', { name: 'Ask for erasure' });
    await expect.poll(() => confirm.innerText()).toContain('cannot be undone');
    await checkScreen(page, 'guardian-erasure-confirm-phone');
    await confirm.getByRole('button', { name: 'Yes, ask for erasure' }).click();
    await expect
      .poll(() => page.locator('.toast').innerText(), { timeout: 15_000 })
      .toBe('Erasure asked for: a school admin will approve it.');
    await expect.poll(() => card.getByText('Awaiting approval', { exact: true }).count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    const admin = await signedIn(browser, 'school-admin', desktop, '/privacy/requests');
    await screenReady(admin.page);
    const row = admin.page.getByRole('row', { name: /Erasure/ }).first();
    await expect.poll(() => row.innerText()).toContain('Awaiting approval');
    await row.getByRole('button', { name: 'Refuse' }).click();
    await row.getByLabel('Reason given to the family').fill('A fee dispute about this year is still open.');
    await checkScreen(admin.page, 'admin-erasure-refusal');
    await row.getByRole('button', { name: 'Refuse' }).click();
    await expect.poll(() => admin.page.locator('.toast').innerText(), { timeout: 15_000 }).toBe('Erasure refused.');
    await expect.poll(() => row.innerText()).toContain('A fee dispute about this year is still open.');
    await admin.context.close();

    await page.reload();
    await screenReady(page);
    await expect.poll(() => card.innerText()).toContain('Refused by');
    await expect.poll(() => card.innerText()).toContain('A fee dispute about this year is still open.');
    const [kept] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM students WHERE id = :id::uuid`, {
      id: child!.id,
    });
    expect(kept!.n).toBe(1);
    await context.close();
  });
});

describe('school admin: integrations', () => {
  test('registers an integration and copies its secret once, which gets a token; rotates it, follows its calls, revokes it', async ({
    browser,
  }) => {
    const { context, page } = await signedIn(browser, 'school-admin', desktop, '/integrations');
    page.on('dialog', (dialog) => void dialog.accept());
    await screenReady(page);
    const register = page.getByRole('region', { name: 'Register an integration' });
    await register.getByLabel('Name').fill('Moodle da escola');
    await register.getByLabel('Read assessments and scores (OneRoster gradebook)').check();
    await register.getByRole('button', { name: 'Register and show its secret' }).click();
    const secretCard = page.getByRole('region', { name: 'The secret of Moodle da escola' });
    await expect.poll(() => secretCard.count(), { timeout: 15_000 }).toBe(1);
    await checkScreen(page, 'admin-integration-secret');
    const clientId = await secretCard.locator('dd code').first().innerText();
    const secret = await secretCard.locator('[data-secret]').innerText();
    const grant = await clientCredentialsGrant(platform().url, clientId, secret, ['gradebook.readonly']);
    expect(grant.status).toBe(200);
    // The integration calls the API once; its call is listed on its page.
    const call = await fetch(`${platform().url}/api/v1/integration`, {
      headers: { authorization: `Bearer ${grant.body.access_token}` },
    });
    expect(call.status).toBe(200);
    await secretCard.getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => page.locator('[data-secret]').count()).toBe(0);

    const row = page.getByRole('row', { name: /Moodle da escola/ });
    await row.getByRole('button', { name: 'Rotate secret of Moodle da escola' }).click();
    await expect.poll(() => page.locator('[data-secret]').count(), { timeout: 15_000 }).toBe(1);
    const rotated = await page.locator('[data-secret]').innerText();
    expect(rotated).not.toBe(secret);
    expect((await clientCredentialsGrant(platform().url, clientId, secret, ['gradebook.readonly'])).status).toBe(401);
    await page.getByRole('button', { name: 'I have saved it' }).click();

    await row.getByRole('link', { name: 'Moodle da escola' }).click();
    await screenReady(page);
    const calls = page.getByRole('table', { name: 'Recent calls' });
    await expect.poll(() => calls.innerText()).toContain('GET /api/v1/integration');
    await checkScreen(page, 'admin-integration-detail');
    await page.goBack();
    await screenReady(page);
    await page
      .getByRole('row', { name: /Moodle da escola/ })
      .getByRole('button', { name: 'Revoke Moodle da escola' })
      .click();
    await expect
      .poll(() => page.locator('.toast').innerText(), { timeout: 15_000 })
      .toBe('Moodle da escola is revoked.');
    await expect.poll(() => page.getByRole('row', { name: /Moodle da escola/ }).innerText()).toContain('Revoked');
    expect((await clientCredentialsGrant(platform().url, clientId, rotated, ['gradebook.readonly'])).status).toBe(401);
    await context.close();
  });
});

describe('every screen', () => {
  /** Each role's screens, with real ids from the demo school. */
  async function screensOf(role: string): Promise<string[]> {
    const { db, demo } = await demoSchool();
    const [ids] = await db.query<{
      student: string;
      class: string;
      payment: string;
      integration: string | null;
      child: string;
      childPayment: string | null;
    }>(
      `SELECT (SELECT id FROM students WHERE status = 'active' ORDER BY admission_no LIMIT 1) AS student,
              (SELECT c.id FROM classes c JOIN staff st ON st.id = c.homeroom_teacher_id
                WHERE st.email = :teacher) AS class,
              (SELECT id FROM payments ORDER BY receipt_no LIMIT 1) AS payment,
              (SELECT id FROM integrations ORDER BY created_at LIMIT 1) AS integration,
              (SELECT sg.student_id FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                WHERE g.email = :guardian LIMIT 1) AS child,
              (SELECT p.id FROM payments p JOIN student_guardians sg ON sg.student_id = p.student_id
                 JOIN guardians g ON g.id = sg.guardian_id WHERE g.email = :guardian
                ORDER BY p.receipt_no LIMIT 1) AS "childPayment"`,
      { teacher: signInOf(demo, 'teacher').email, guardian: signInOf(demo, 'guardian').email },
    );
    const { student, class: classId, payment, integration, child, childPayment } = ids!;
    // The demo family has paid fees, so the guardian has a receipt to open.
    expect(childPayment).not.toBeNull();
    // The integrations test above registered one, so the admin has an integration's page to open.
    if (role === 'school-admin') expect(integration).not.toBeNull();
    const byRole: Record<string, string[]> = {
      'school-admin': [
        '/dashboard',
        '/students',
        `/students/${student}`,
        `/students/${student}/edit`,
        '/students/new',
        '/analytics/at-risk',
        '/classes',
        `/classes/${classId}/attendance`,
        `/classes/${classId}/scores`,
        `/classes/${classId}/analytics`,
        '/fees',
        '/fees/balances',
        `/fees/receipts/${payment}`,
        '/reports',
        '/staff',
        '/import',
        '/exports',
        '/audit',
        '/integrations',
        `/integrations/${integration}`,
        '/settings',
        '/inbox',
        '/notifications/preferences',
        '/notifications/settings',
        '/notifications/announcements',
        '/privacy/consents',
        '/privacy/requests',
        '/privacy/retention',
      ],
      teacher: [
        '/my-classes',
        `/classes/${classId}/attendance`,
        `/classes/${classId}/scores`,
        `/classes/${classId}/analytics`,
        '/students',
        '/reports',
        '/inbox',
        '/notifications/announcements',
      ],
      bursar: [
        '/fees',
        '/fees/payments/new',
        '/fees/balances',
        '/fees/balances?view=overdue',
        `/fees/receipts/${payment}`,
        '/inbox',
        '/notifications/preferences',
      ],
      guardian: [
        '/children',
        `/children/${child}`,
        `/children/${child}/receipts/${childPayment}`,
        '/inbox',
        '/notifications/preferences',
      ],
    };
    return byRole[role]!;
  }

  const accounts = async (role: string) => {
    if (role === 'platform-operator') {
      await demoSchool();
      const { username, password } = platform().firstRunSignIn!;
      return { email: username, password };
    }
    return signInOf((await demoSchool()).demo, role);
  };

  for (const role of ['school-admin', 'teacher', 'bursar', 'guardian', 'platform-operator']) {
    test(`${role}: each screen passes axe and is photographed at desktop and phone width`, async ({ browser }) => {
      const account = await accounts(role);
      const paths =
        role === 'platform-operator'
          ? ['/platform/schools', '/platform/onboarding', '/platform/privacy']
          : await screensOf(role);
      for (const [device, width] of [
        [desktop, 'desktop'],
        [phone, 'phone'],
      ] as const) {
        const context = await newContext(browser, device);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await signIn(page, platform().url, account.email, account.password);
        for (const path of paths) {
          await page.goto(`${platform().url}${path}`);
          const name = `${role}${path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'id').replace(/\W+/g, '-')}-${width}`;
          await checkScreen(page, name);
          expect(await page.getByRole('heading', { level: 1 }).count(), `${path}: one h1`).toBe(1);
          if (width === 'phone') {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            expect(overflow, `${path} is wider than the phone`).toBeLessThanOrEqual(0);
          }
        }
        expect(errors).toEqual([]);
        await context.close();
      }
    });
  }
});

describe('a suspended school', () => {
  test('says so on a page of its own, then opens read-only with a banner', async ({ browser }) => {
    const { demo } = await demoSchool();
    const admin = signInOf(demo, 'school-admin');
    const directory = new TenantDirectory();
    await directory.setStatus(demo.school.schoolId, ['ACTIVE'], 'SUSPENDED');
    try {
      const context = await newContext(browser, desktop);
      const page = await context.newPage();
      await page.goto(platform().url);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('input[name="username"]').fill(admin.email);
      await page.locator('input[name="password"]').fill(admin.password);
      await page.locator('form button[type="submit"]').click();
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).innerText())
        .toBe('Demo High School is suspended');
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'suspended-school-desktop');
      await page.getByRole('button', { name: 'Continue, read only' }).click();
      await screenReady(page);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'This school is suspended' }).count()).toBe(1);
      await context.close();
    } finally {
      await directory.setStatus(demo.school.schoolId, ['SUSPENDED'], 'ACTIVE');
    }
  });
});
