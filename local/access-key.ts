import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalAccessKey } from './objects/s3-endpoint';

/**
 * The AWS credentials the handlers sign with on the local platform: created once per
 * state directory (mode 0600), so that only this machine's processes can sign requests
 * the local object store accepts.
 */
export function localAccessKey(stateDir: string): LocalAccessKey {
  const file = join(stateDir, 'access-key.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalAccessKey;
  const key: LocalAccessKey = { accessKeyId: 'local', secretAccessKey: randomBytes(24).toString('base64url') };
  writeFileSync(file, JSON.stringify(key), { mode: 0o600 });
  return key;
}
