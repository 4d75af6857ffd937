import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { routes } from '../lambdas/api/routes';
import { functionBuildOptions } from '../lib/constructs/function-bundling';
import { projectRoot } from '../lib/project';
import { startPlatform } from '../local/platform';
import { postgresCpuMs } from './load/process-cpu';
import { schoolFixture } from '../test/support/school-fixture';

/**
 * `npm run bench:api`: the school API on the local platform, measured from a separate
 * load process at 50 concurrent clients (students list, profile, class register, marking a
 * class of 40), 10,000 attendance marks sent concurrently with retries, and each API
 * bundle's size and cold init in a fresh process. Prints figures; asserts only the
 * 10,000-row count, which is a correctness check.
 */
const concurrency = 50;
const cpus = availableParallelism();
const perScenario = Number(process.env.BENCH_REQUESTS ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-api-'));
// Bundles sit inside the project so the AWS SDK resolves from node_modules, as it does
// from the runtime's own copy on Lambda; cold init includes loading it.
const bundleDir = mkdtempSync(join(projectRoot, 'node_modules', '.campus-bench-bundles-'));
const stateDir = join(dir, 'state');
const platform = await startPlatform({ stateDir, port: 0 });

function quantile(latencies: number[], q: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function percentiles(latencies: number[]) {
  const at = (q: number) => quantile(latencies, q).toFixed(1);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

/** Runs a plan in the load process; asynchronously, as the platform answers from this process's event loop. */
async function load(
  requests: { method: string; path: string; token: string; body?: unknown }[],
  clients = concurrency,
) {
  const planFile = join(dir, `plan-${randomUUID()}.json`);
  writeFileSync(planFile, JSON.stringify({ url: platform.url, concurrency: clients, requests }));
  const { stdout } = await promisify(execFile)(
    join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [join(projectRoot, 'scripts/load/http-load.ts'), planFile],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as {
    latencies: number[];
    statuses: Record<string, number>;
    seconds: number;
    cpuMsPerRequest: number;
  };
}

/** A load run with the CPU each part of the machine spent per request: this process (the platform), PostgreSQL, the load process. */
async function measured(requests: Parameters<typeof load>[0]) {
  const postgresBefore = postgresCpuMs(stateDir);
  const platformBefore = process.cpuUsage();
  const result = await load(requests);
  const platformUsage = process.cpuUsage(platformBefore);
  const postgresAfter = postgresCpuMs(stateDir);
  const n = result.latencies.length;
  return {
    ...result,
    cpu: {
      platform: (platformUsage.user + platformUsage.system) / 1000 / n,
      postgres:
        postgresBefore === undefined || postgresAfter === undefined ? undefined : (postgresAfter - postgresBefore) / n,
      load: result.cpuMsPerRequest,
    },
  };
}

try {
  const school = await schoolFixture(platform, 'bench');
  const admin = await school.user('school-admin');
  // 25 classes of 40: a school of 1,000 students.
  const students = await school.db.query<{ id: string; classId: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 7', 7) RETURNING id),
          classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                      SELECT year.id, grade.id, '7-' || n FROM year, grade, generate_series(1, 25) n RETURNING id, name)
     INSERT INTO students (admission_no, given_name, family_name, class_id)
     SELECT 'B' || lpad((c.rn * 100 + n)::text, 5, '0'), 'Given' || n, 'Family' || c.rn || '-' || n, c.id
       FROM (SELECT id, row_number() OVER (ORDER BY name) AS rn FROM classes) c, generate_series(1, 40) n
     RETURNING id, class_id AS "classId"`,
  );
  const classIds = [...new Set(students.map((s) => s.classId))];
  const byClass = new Map<string, string[]>();
  for (const s of students) byClass.set(s.classId, [...(byClass.get(s.classId) ?? []), s.id]);
  const pick = <T>(list: T[], i: number) => list[(i * 7919) % list.length]!;
  const schoolDay = (i: number) => new Date(Date.UTC(2026, 8, 1) + (i % 180) * 86_400_000).toISOString().slice(0, 10);
  const marksFor = (classId: string, i: number) =>
    byClass.get(classId)!.map((studentId, k) => ({ studentId, status: (i + k) % 9 === 0 ? 'absent' : 'present' }));

  const scenarios = {
    'GET /api/v1/students (page of 50)': (i: number) => ({
      method: 'GET',
      path: `/api/v1/students?limit=50${i % 3 ? '' : '&q=family1'}`,
    }),
    'GET /api/v1/students/{id} (profile)': (i: number) => ({
      method: 'GET',
      path: `/api/v1/students/${pick(students, i).id}`,
    }),
    'GET class register for a day': (i: number) => ({
      method: 'GET',
      path: `/api/v1/classes/${pick(classIds, i)}/attendance/${schoolDay(i)}`,
    }),
    'PUT mark a class of 40': (i: number) => {
      const classId = pick(classIds, i);
      return {
        method: 'PUT',
        path: `/api/v1/classes/${classId}/attendance/${schoolDay(i)}`,
        body: { marks: marksFor(classId, i) },
      };
    },
  };
  console.log(
    `School API on the local platform (${cpus} cores), ${perScenario} requests by ${concurrency} concurrent clients, each sending its next request when answered (target p95 ≤ 50 ms):`,
  );
  for (const [name, make] of Object.entries(scenarios)) {
    // Warm the handler and the pools first.
    await load(Array.from({ length: 50 }, (_, i) => ({ ...make(i + 100_000), token: admin.token })));
    const alone = await load(
      Array.from({ length: 200 }, (_, i) => ({ ...make(i + 200_000), token: admin.token })),
      1,
    );
    const result = await measured(Array.from({ length: perScenario }, (_, i) => ({ ...make(i), token: admin.token })));
    const { platform: platformMs, postgres: postgresMs, load: loadMs } = result.cpu;
    const perRequest = platformMs + (postgresMs ?? 0) + loadMs;
    console.log(`  ${name}`);
    console.log(
      `    ${concurrency} clients: ${percentiles(result.latencies)}, ${(perScenario / result.seconds).toFixed(0)} req/s, statuses ${JSON.stringify(result.statuses)}`,
    );
    console.log(`    1 client: ${percentiles(alone.latencies)}`);
    // Where the target does hold on this machine: the most clients, in steps, whose p95 stays within 50 ms.
    let within: { clients: number; p95: number } | undefined;
    for (const clients of [40, 30, 20, 10, 5, 2]) {
      const run = await load(
        Array.from({ length: Math.max(400, 20 * clients) }, (_, i) => ({ ...make(i + 300_000), token: admin.token })),
        clients,
      );
      const p95 = quantile(run.latencies, 0.95);
      if (p95 <= 50) {
        within = { clients, p95 };
        break;
      }
    }
    console.log(
      within
        ? `    p95 within 50 ms up to ${within.clients} clients (p95 ${within.p95.toFixed(1)} ms)`
        : '    p95 above 50 ms even at 2 clients',
    );
    console.log(
      `    CPU per request: platform ${platformMs.toFixed(2)} ms, PostgreSQL ${postgresMs === undefined ? 'n/a' : `${postgresMs.toFixed(2)} ms`}, ` +
        `load process ${loadMs.toFixed(2)} ms: at most ${((cpus * 1000) / perRequest).toFixed(0)} req/s on ${cpus} cores`,
    );
  }

  // 10,000 marks: 25 classes × 10 days, each request sent once, a fifth of them again at the same time.
  const markDays = Array.from({ length: 10 }, (_, d) => `2027-06-${String(d + 1).padStart(2, '0')}`);
  const requests = classIds.flatMap((classId, c) =>
    markDays.map((day, d) => ({
      method: 'PUT',
      path: `/api/v1/classes/${classId}/attendance/${day}`,
      token: admin.token,
      body: { marks: marksFor(classId, c + d) },
    })),
  );
  const retries = requests.filter((_, i) => i % 5 === 0);
  const result = await load([...requests, ...retries].sort(() => Math.random() - 0.5));
  const [{ n }] = (await school.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM attendance WHERE on_date BETWEEN '2027-06-01' AND '2027-06-10'",
  )) as [{ n: number }];
  console.log(
    `10,000 marks in ${requests.length} requests plus ${retries.length} retries sent concurrently: ${n} rows ` +
      `(${n === 10_000 ? 'none lost, none duplicated' : 'WRONG'}), statuses ${JSON.stringify(result.statuses)}, ${result.seconds.toFixed(1)} s`,
  );
  if (n !== 10_000) process.exitCode = 1;

  // Each API function as Lambda runs it: the SchoolFunction bundle, loaded cold in a fresh process.
  console.log(
    'API function bundles (as deployed: esbuild, minified CommonJS, AWS SDK from the runtime) and cold init in a fresh Node.js process:',
  );
  const handlers = [...new Set(routes.map((route) => route.handler))];
  for (const handler of handlers) {
    const outfile = join(bundleDir, `${handler.replace(/[/.]/g, '_')}.cjs`);
    await build({ ...functionBuildOptions(), entryPoints: [join(projectRoot, handler)], outfile, logLevel: 'silent' });
    // As Lambda's runtime loads a CommonJS handler: require().
    const init = execFileSync(
      join(projectRoot, 'node_modules', '.bin', 'node'),
      [
        '-e',
        `const t = performance.now(); require(${JSON.stringify(outfile)}); console.log((performance.now() - t).toFixed(0));`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, CAMPUS_STAGE: 'bench', CAMPUS_VERSION: '0', AWS_REGION: 'eu-west-1' },
      },
    ).trim();
    // The budget read strictly: 300 KB of 1,000 bytes (esbuild reports KiB of 1,024).
    const bytes = statSync(outfile).size;
    console.log(
      `  ${handler}: ${(bytes / 1000).toFixed(1)} KB (${(bytes / 1024).toFixed(0)} KiB)${bytes > 300_000 ? ' (over the 300 KB budget)' : ''}, cold init ${init} ms${Number(init) > 200 ? ' (over the 200 ms budget)' : ''}`,
    );
  }
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
}
