import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = dirname(fileURLToPath(import.meta.url));

/** Bundles the web app into `web/dist` (what the web stack deploys and the local platform serves). */
export async function buildWeb(outDir = join(webDir, 'dist')): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'assets'), { recursive: true });
  await build({
    entryPoints: { app: join(webDir, 'src', 'main.ts') },
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    outdir: join(outDir, 'assets'),
    logLevel: 'warning',
  });
  await copyFile(join(webDir, 'src', 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(webDir, 'src', 'app.css'), join(outDir, 'assets', 'app.css'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb();
  console.log(`web app built into ${join(webDir, 'dist')}`);
}
