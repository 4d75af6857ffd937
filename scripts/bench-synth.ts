import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { nagAcknowledgementsIn, readTemplate, stackNamesIn } from '../lib/cloud-assembly';
import { projectRoot } from '../lib/project';

/**
 * `npm run bench`: how long an offline `cdk synth` takes (all stages, and each stage
 * alone), what it produces, and how big each Lambda bundle is. Prints figures only.
 */
function synth(args: string[]): { seconds: number; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'campus-bench-'));
  const started = performance.now();
  execFileSync(
    join(projectRoot, 'node_modules', '.bin', 'cdk'),
    ['synth', '--quiet', '--no-notices', '-o', dir, ...args],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    },
  );
  return { seconds: (performance.now() - started) / 1000, dir };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs = Number(process.env.BENCH_RUNS ?? 3);

const all: number[] = [];
let assembly = '';
for (let i = 0; i < runs; i++) {
  const run = synth([]);
  all.push(run.seconds);
  if (assembly) rmSync(run.dir, { recursive: true, force: true });
  else assembly = run.dir;
}
const perStage = ['dev', 'prod'].map((stage) => {
  const run = synth(['-c', `stage=${stage}`]);
  rmSync(run.dir, { recursive: true, force: true });
  return { stage, seconds: run.seconds };
});

const stacks = stackNamesIn(assembly);
const resources = stacks.reduce((n, s) => n + Object.keys(readTemplate(assembly, s).Resources).length, 0);
// Each platform function's bundle: its Code.S3Key names the asset directory esbuild wrote.
const bundles = new Map<string, { raw: number; gzip: number }>();
for (const stack of stacks.filter((s) => s.startsWith('campus-dev-'))) {
  for (const resource of Object.values(readTemplate(assembly, stack).Resources)) {
    const key: unknown = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
    if (resource.Type !== 'AWS::Lambda::Function' || !resource.Properties?.LoggingConfig || typeof key !== 'string')
      continue;
    const file = join(assembly, `asset.${key.replace(/\.zip$/, '')}`, 'index.js');
    if (!existsSync(file)) continue;
    const code = readFileSync(file);
    const name = String(resource.Metadata?.['aws:cdk:path']).split('/').slice(1, 2).join('');
    bundles.set(name, { raw: code.length, gzip: gzipSync(code).length });
  }
}

console.log(
  `cdk synth, all stages (${runs} runs): median ${median(all).toFixed(1)} s, min ${Math.min(...all).toFixed(1)} s`,
);
for (const { stage, seconds } of perStage) console.log(`cdk synth -c stage=${stage}: ${seconds.toFixed(1)} s`);
console.log(`stacks: ${stacks.length}, resources: ${resources}`);
console.log(`cdk-nag acknowledgements: ${nagAcknowledgementsIn(assembly).length}`);
for (const [name, b] of bundles) {
  console.log(
    `lambda bundle ${name}: ${(b.raw / 1024).toFixed(0)} KiB minified, ${(b.gzip / 1024).toFixed(0)} KiB gzipped`,
  );
}
rmSync(assembly, { recursive: true, force: true });
