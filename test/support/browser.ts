import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { projectRoot } from '../../lib/project';

/** Debian's chromium (`apt-get install -y --no-install-recommends chromium`); `.ci/run` installs it. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts headless Chromium, or throws saying how to install it: a browser test must fail,
 * never skip, when the browser cannot run.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`,
    );
  }
  // playwright-core adds --headless and --no-sandbox (we run as root) itself.
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}

export const desktop = { viewport: { width: 1280, height: 800 } } as const;
export const phone = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
} as const;

export async function newContext(
  browser: Browser,
  device: typeof desktop | typeof phone = desktop,
): Promise<BrowserContext> {
  // bypassCSP lets axe-core be injected as a script; the app itself runs under the same policy as on AWS otherwise.
  const context = await browser.newContext({ ...device, bypassCSP: true, locale: 'en-GB' });
  context.setDefaultTimeout(20_000);
  return context;
}

/** Signs in through the app's own button and the local issuer's form, and waits for the first screen. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oauth2\//);
  await page.locator('input[name="username"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/oauth2')),
    page.locator('form button[type="submit"], form input[type="submit"]').first().click(),
  ]);
  await screenReady(page);
}

/** Waits for the open screen to show its data (the app sets `html[data-ready]`). */
export async function screenReady(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now (the failure message lists rule and element). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
  });
}

export const screensDir = join(projectRoot, 'test-results', 'screens');

/** A full-page screenshot in `test-results/screens/`, for a reviewer to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
}

/** axe-clean (no serious or critical violation, each listed if any), and photographed: the checks every screen gets. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await screenReady(page);
  const violations = await seriousViolations(page);
  expect(violations, `${name}: axe serious or critical violations ${JSON.stringify(violations)}`).toEqual([]);
  await screenshot(page, name);
}
