import { join } from 'node:path';
import { projectRoot } from '../project';

/**
 * How every function is bundled, shared by `SchoolFunction` and the bundle benchmark so
 * the figures printed are those of what is deployed.
 *
 * - The AWS SDK v3 comes from the nodejs22.x runtime (the CDK default for Node.js 18+):
 *   bundling it would put 300–550 KB of SDK into every function. Powertools, zod and
 *   everything else are bundled at the versions the tests run.
 * - CommonJS, not ESM: the runtime's SDK is CommonJS, and an ESM bundle reaches it through
 *   Node's CommonJS interop, which scans each SDK module's exports as it loads: 40–50 ms
 *   more cold init for the Data API, STS and DynamoDB clients alone (`npm run bench:api`).
 * - The X-Ray SDK requires all of semver for its SDK v2 patcher, which nothing here uses;
 *   a small module stands in for it (see `lambdas/shared/bundling/xray-semver.cjs`).
 */
export const functionBundling = {
  format: 'cjs',
  target: 'node22',
  platform: 'node',
  minify: true,
  mainFields: ['module', 'main'],
  /** Packages Lambda's Node.js runtime provides. */
  external: ['@aws-sdk/*'],
  alias: { semver: join(projectRoot, 'lambdas/shared/bundling/xray-semver.cjs') },
} as const;
