import { createRequire } from 'node:module';
import type { BuildOptions } from 'esbuild';
import { dirname, join } from 'node:path';
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
  // ESM dependencies (pdfkit) find their files by `import.meta.url`, which CommonJS lacks: the bundle's own URL stands in.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
} as const;

/** The same bundling through esbuild's own API, for what builds a function outside CDK (`bench:api`, the bundle tests). */
export function functionBuildOptions(): BuildOptions {
  const { banner, external, mainFields, define, ...options } = functionBundling;
  return {
    ...options,
    external: [...external],
    mainFields: [...mainFields],
    define: { ...define },
    banner: { js: banner },
    bundle: true,
  };
}

/**
 * pdfkit reads its standard fonts' metrics at run time with `require('#standard-fonts/<name>')`
 * through `createRequire`, which esbuild cannot follow: the bundle alone could draw no text.
 * A bundle that does so gets the font modules beside it and a `package.json` whose import
 * map resolves them, as pdfkit's own does. The shell command runs after esbuild, in `outputDir`.
 */
export function standardFontsCommand(outputDir: string): string {
  // pdfkit's CommonJS entry is `js/pdfkit.js`, beside `js/standard-fonts/`.
  const fonts = join(dirname(createRequire(import.meta.url).resolve('pdfkit')), 'standard-fonts');
  const importMap = JSON.stringify({ imports: { '#standard-fonts/*': './standard-fonts/*.cjs' } });
  return [
    `if grep -q '#standard-fonts/' "${outputDir}/index.js"; then`,
    `cp -r "${fonts}" "${outputDir}/standard-fonts"`,
    `&& printf '%s' '${importMap}' > "${outputDir}/package.json"; fi`,
  ].join(' ');
}
