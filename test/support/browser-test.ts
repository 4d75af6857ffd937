import { test } from 'vitest';
import { launchBrowser } from './browser';

/**
 * `test` with one browser per file (`({ browser }) => …`). A fixture rather than beforeAll: if
 * Chromium cannot start, each test fails, where a failing beforeAll would report them skipped.
 */
export const browserTest = test.extend(
  'browser',
  { scope: 'file' }, // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a fixture needs from this pattern
  async ({}, { onCleanup }) => {
    const browser = await launchBrowser();
    onCleanup(() => browser.close());
    return browser;
  },
);
