import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the project root, however the CDK app or a test was started. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The platform version reported by `GET /api/health`, from package.json. */
export const projectVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;
