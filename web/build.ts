import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

const webDir = dirname(fileURLToPath(import.meta.url));

export interface WebBuild {
  /** Public paths (`/assets/…`) of the JavaScript the first page load needs: the entry and its static imports. */
  readonly initialScripts: readonly string[];
  /** Public paths of every chunk loaded on demand (a screen and what only it needs). */
  readonly lazyScripts: readonly string[];
  readonly outDir: string;
}

/** The entry's static import graph: what the browser must fetch before the app can start. */
function initialChunks(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entryOutput);
  return [...seen];
}

/**
 * Bundles the web app into `web/dist` (what the web stack deploys and the local platform serves):
 * one entry, a chunk per screen loaded on demand, content-hashed names (index.html is the only
 * file not cached), and index.html written with modulepreload links for the entry's own imports
 * so the first paint waits for one round trip of scripts, not a chain of them.
 */
export async function buildWeb(outDir = join(webDir, 'dist')): Promise<WebBuild> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: { app: join(webDir, 'src', 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    outdir: join(outDir, 'assets'),
    metafile: true,
    logLevel: 'warning',
  });
  const metafile = result.metafile;
  const publicPath = (output: string) => `/${relative(outDir, output).split('\\').join('/')}`;
  const scripts = Object.keys(metafile.outputs).filter((output) => output.endsWith('.js'));
  // Each screen loaded on demand is an entry point of its own to esbuild: find the app's by its source.
  const entry = scripts.find((output) => metafile.outputs[output]?.entryPoint?.endsWith('src/main.tsx'));
  if (!entry) throw new Error('esbuild produced no entry chunk');
  const initial = initialChunks(metafile, entry);
  const css = await readFile(join(webDir, 'src', 'app.css'), 'utf8');
  const cssName = `assets/app-${createHash('sha256').update(css).digest('hex').slice(0, 8).toUpperCase()}.css`;
  await writeFile(join(outDir, cssName), css);
  const template = await readFile(join(webDir, 'src', 'index.html'), 'utf8');
  const head = [
    `<link rel="stylesheet" href="/${cssName}" />`,
    ...initial.map((output) => `<link rel="modulepreload" href="${publicPath(output)}" />`),
    `<script type="module" src="${publicPath(entry)}"></script>`,
  ].join('\n    ');
  if (!template.includes('<!-- assets -->')) throw new Error('web/src/index.html has no <!-- assets --> marker');
  await writeFile(join(outDir, 'index.html'), template.replace('<!-- assets -->', head));
  await copyFile(join(webDir, 'src', 'favicon.svg'), join(outDir, 'favicon.svg'));
  // The service worker keeps its name (browsers find it by its URL) and is scoped to the whole app.
  await build({
    entryPoints: [join(webDir, 'src', 'service-worker.ts')],
    bundle: true,
    format: 'iife',
    target: ['es2022'],
    minify: true,
    outfile: join(outDir, 'service-worker.js'),
    logLevel: 'warning',
  });
  return {
    outDir,
    initialScripts: initial.map(publicPath),
    lazyScripts: scripts.filter((output) => !initial.includes(output)).map(publicPath),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildWeb();
  console.log(
    `web app built into ${built.outDir}: ${built.initialScripts.length} initial scripts, ${built.lazyScripts.length} on demand`,
  );
}
