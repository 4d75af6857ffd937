import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { desktop, newContext, phone, screenReady, screenshot, seriousViolations, signIn } from '../support/browser';
import { browserTest as test } from '../support/browser-test';
import { useLocalPlatform } from '../support/local-platform';

/**
 * The web app in Debian's Chromium against a real local platform and its demo school: each
 * role signs in through the local issuer and does its main task; every screen it visits is
 * checked with axe-core and photographed at phone and desktop width (test-results/screens/).
 */

const platform = useLocalPlatform('web-app');
let demo: DemoSchool | undefined;
let db: DataApiSession | undefined;

async function demoSchool(): Promise<{ demo: DemoSchool; db: DataApiSession }> {
  if (!demo) {
    demo = (await ensureDemoSchool(platform()))!;
    const group = platform().shardGroups.find((g) => g.id === demo!.school.shardGroupId)!;
    db = schoolSession(demo.school, group.resourceArn);
  }
  return { demo, db: db! };
}

function signInOf(demo: DemoSchool, role: string) {
  const account = demo.signIns.find((s) => s.role === role);
  if (!account) throw new Error(`the demo school has no ${role}`);
  return account;
}

/** axe-clean, and photographed: the checks every screen gets. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await screenReady(page);
  expect(await seriousViolations(page), `${name}: axe serious or critical violations`).toEqual([]);
  await screenshot(page, name);
}

/** The most recent Saturday at least `weeksBack` weeks ago: a day the demo school has no marks for. */
function saturday(weeksBack: number): string {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 1) % 7) - 7 * weeksBack);
  return day.toISOString().slice(0, 10);
}

describe('teacher', () => {
  test('marks a class on a 360 px phone in a few taps, then again offline, and the marks reach the database once', async ({
    browser,
  }) => {
    const { demo, db } = await demoSchool();
    const teacher = signInOf(demo, 'teacher');
    const context = await newContext(browser, phone);
    const page = await context.newPage();
    await signIn(page, platform().url, teacher.email, teacher.password);

    await expect.poll(() => page.url()).toMatch(/\/my-classes$/);
    await checkScreen(page, 'teacher-my-classes-phone');
    const homeroomCard = page.locator('.class-card', { has: page.getByText('Home room') });
    const className = (await homeroomCard.locator('h2').innerText()).replace('Home room', '').trim();
    await homeroomCard.getByRole('link', { name: `Take attendance for ${className}` }).click();
    await page.waitForURL(/\/classes\/[\w-]+\/attendance$/);
    const classId = /classes\/([\w-]+)\/attendance/.exec(page.url())![1]!;

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

  test('sees its classes at desktop width too', async ({ browser }) => {
    const { demo } = await demoSchool();
    const teacher = signInOf(demo, 'teacher');
    const context = await newContext(browser, desktop);
    const page = await context.newPage();
    await signIn(page, platform().url, teacher.email, teacher.password);
    await checkScreen(page, 'teacher-my-classes-desktop');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('My classes');
    await context.close();
  });
});

describe('school admin', () => {
  test('signs in to the dashboard and finds a student by name', async ({ browser }) => {
    const { demo, db } = await demoSchool();
    const admin = signInOf(demo, 'school-admin');
    const context = await newContext(browser, desktop);
    const page = await context.newPage();
    await signIn(page, platform().url, admin.email, admin.password);
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
});
