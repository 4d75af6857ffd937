import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../lib/project';
import { freePort } from '../local/ports';

/**
 * `npm run bench:start`: time from launch to `ready at` for a first start (empty state) and
 * a warm start (state kept), and the resident memory of the whole process tree once idle.
 * Targets: first ≤ 90 s, warm ≤ 10 s, idle ≤ 1.5 GB. Prints figures only.
 */
async function launch(stateDir: string): Promise<{ child: ChildProcess; seconds: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(join(projectRoot, 'node_modules', '.bin', 'node'), ['--import', 'tsx', 'local/start.ts'], {
    cwd: projectRoot,
    env: { ...process.env, PORT: String(port), CAMPUS_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  return { child, seconds: (performance.now() - started) / 1000 };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Resident memory (KiB) of a process and all its descendants. */
function treeRssKiB(rootPid: number): number {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const inTree = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (inTree.has(ppid) && !inTree.has(pid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return table.filter(([pid]) => inTree.has(pid)).reduce((sum, [, , rss]) => sum + rss, 0);
}

const stateDir = mkdtempSync(join(tmpdir(), 'campus-bench-start-'));
try {
  const first = await launch(stateDir);
  await stop(first.child);
  const warm = await launch(stateDir);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  // PostgreSQL runs as children of the start process (under the postgres user when root).
  const rssMiB = treeRssKiB(warm.child.pid!) / 1024;
  await stop(warm.child);
  console.log(`npm start, first (empty state): ready in ${first.seconds.toFixed(1)} s`);
  console.log(`npm start, warm (state kept): ready in ${warm.seconds.toFixed(1)} s`);
  console.log(`idle resident memory of the platform's processes: ${rssMiB.toFixed(0)} MiB`);
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
