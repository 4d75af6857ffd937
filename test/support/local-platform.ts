import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Platform, type PlatformOptions, startPlatform } from '../../local/platform';

/**
 * A local platform of the test file's own, on free ports in a temporary directory, started
 * before its tests and stopped (and removed) after them. Returns a getter, as the platform
 * exists only once `beforeAll` has run.
 */
export function useLocalPlatform(
  label: string,
  options: Partial<Omit<PlatformOptions, 'stateDir'>> = {},
): () => Platform {
  const stateDir = mkdtempSync(join(tmpdir(), `campus-${label}-`));
  let platform: Platform | undefined;
  beforeAll(async () => {
    platform = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true, ...options });
  });
  afterAll(async () => {
    await platform?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return () => {
    if (!platform) throw new Error('The platform starts in beforeAll.');
    return platform;
  };
}
