import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { startDataApi } from '../local/data-api/data-api-server';
import { SecretStore } from '../local/secrets/secret-store';
import { freePort } from '../local/ports';
import { PostgresServer } from '../local/postgres/postgres-server';

/**
 * `npm run bench:data-api`: round trips of a primary-key read through the local Data API
 * endpoint with the real AWS SDK client (target: p50 ≤ 2 ms). Prints figures only.
 */
const reads = Number(process.env.BENCH_READS ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-data-api-'));
const postgres = await PostgresServer.start({
  dataDir: dir,
  port: await freePort(),
  superuserPassword: 'bench',
  fastAndUnsafe: true,
});
const secrets = new SecretStore();
const secretArn = secrets.put('bench/master', { username: 'postgres', password: 'bench', dbname: 'postgres' });
const resourceArn = 'arn:aws:rds:local:000000000000:cluster:bench';
const api = await startDataApi({ port: 0, clusters: [{ resourceArn, port: postgres.port }], secrets });
const client = new RDSDataClient({
  endpoint: api.url,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const run = (sql: string, id?: number) =>
  client.send(
    new ExecuteStatementCommand({
      resourceArn,
      secretArn,
      sql,
      formatRecordsAs: 'JSON',
      ...(id === undefined ? {} : { parameters: [{ name: 'id', value: { longValue: id } }] }),
    }),
  );

try {
  await run('CREATE TABLE students (id integer PRIMARY KEY, name text NOT NULL, admission_no text NOT NULL)');
  await run("INSERT INTO students SELECT g, 'Student ' || g, 'ADM-' || g FROM generate_series(1, 10000) g");
  for (let i = 0; i < 200; i++)
    await run('SELECT id, name, admission_no FROM students WHERE id = :id', 1 + (i % 10000));
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < reads; i++) {
    const t0 = performance.now();
    await run('SELECT id, name, admission_no FROM students WHERE id = :id', 1 + ((i * 7919) % 10000));
    times.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`Data API ExecuteStatement, primary-key read, ${reads} sequential calls through the AWS SDK:`);
  console.log(`  p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms, ${(reads / seconds).toFixed(0)} calls/s`);
} finally {
  client.destroy();
  await api.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
