import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataApiServer, startDataApi } from '../../local/data-api/data-api-server';
import { SecretStore } from '../../local/secrets/secret-store';
import { freePort } from '../../local/ports';
import { PostgresServer } from '../../local/postgres/postgres-server';

const resourceArn = 'arn:aws:rds:local:000000000000:cluster:campus-local-sg1';
let dir: string;
let postgres: PostgresServer;
let api: DataApiServer;
let data: RDSDataClient;
const secrets = new SecretStore();
let schoolA: string;
let schoolB: string;

const client = (endpoint: string) =>
  new RDSDataClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

async function execute(input: Partial<ExecuteStatementCommandInput> & { sql: string }, secretArn = schoolA) {
  return data.send(new ExecuteStatementCommand({ resourceArn, secretArn, formatRecordsAs: 'JSON', ...input }));
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected the Data API to refuse the call');
}

const rows = (output: { formattedRecords?: string }) =>
  JSON.parse(output.formattedRecords ?? '[]') as Record<string, unknown>[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'campus-data-api-'));
  postgres = await PostgresServer.start({
    dataDir: dir,
    port: await freePort(),
    superuserPassword: 'master-pw',
    fastAndUnsafe: true,
  });
  const admin = postgres.superuserClient();
  await admin.connect();
  for (const school of ['school_a', 'school_b']) {
    await admin.query(`CREATE ROLE ${school} LOGIN PASSWORD '${school}-pw'`);
    await admin.query(`CREATE DATABASE ${school} OWNER ${school}`);
    await admin.query(`REVOKE CONNECT ON DATABASE ${school} FROM PUBLIC`);
  }
  await admin.end();
  schoolA = secrets.put('campus-local/schools/school_a', {
    username: 'school_a',
    password: 'school_a-pw',
    dbname: 'school_a',
  });
  schoolB = secrets.put('campus-local/schools/school_b', {
    username: 'school_b',
    password: 'school_b-pw',
    dbname: 'school_b',
  });
  api = await startDataApi({
    port: 0,
    clusters: [{ resourceArn, port: postgres.port }],
    secrets,
    limits: { callTimeoutMs: 1500, transactionIdleMs: 1000 },
  });
  data = client(api.url);
  await execute({
    sql: `CREATE TABLE samples (
      id integer PRIMARY KEY, label text, big bigint, amount numeric(12,2), active boolean,
      day date, at timestamptz, ref uuid, doc jsonb, ratio double precision, tags text[])`,
  });
});

afterAll(async () => {
  data?.destroy();
  await api?.close();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Data API contract: type mapping', () => {
  const parameters: SqlParameter[] = [
    { name: 'id', value: { longValue: 1 } },
    { name: 'label', value: { stringValue: 'Ada' } },
    { name: 'big', value: { longValue: 9007199254740991 } },
    { name: 'amount', value: { stringValue: '1250.50' }, typeHint: 'DECIMAL' },
    { name: 'active', value: { booleanValue: true } },
    { name: 'day', value: { stringValue: '2026-11-23' }, typeHint: 'DATE' },
    { name: 'at', value: { stringValue: '2026-11-23 10:15:30.123' }, typeHint: 'TIMESTAMP' },
    { name: 'ref', value: { stringValue: '5f0c6a52-8d5e-4d2c-9a51-2b8f3c1d7e90' }, typeHint: 'UUID' },
    { name: 'doc', value: { stringValue: '{"term": 1, "scores": [12, 15]}' }, typeHint: 'JSON' },
    { name: 'ratio', value: { doubleValue: 0.25 } },
  ];

  beforeAll(async () => {
    await execute({
      sql: `INSERT INTO samples (id, label, big, amount, active, day, at, ref, doc, ratio, tags)
            VALUES (:id, :label, :big, :amount, :active, :day, :at, :ref, :doc, :ratio, ARRAY['a','b'])`,
      parameters,
    });
    await execute({
      sql: 'INSERT INTO samples (id) VALUES (:id)',
      parameters: [{ name: 'id', value: { longValue: 2 } }],
    });
  });

  it('returns JSON records as the Data API documents: numbers, strings for decimals, dates and JSON, null as null', async () => {
    const out = await execute({
      sql: 'SELECT id, label, big, amount, active, day, at, ref, doc, ratio, tags FROM samples ORDER BY id',
    });
    expect(rows(out)).toEqual([
      {
        id: 1,
        label: 'Ada',
        big: 9007199254740991,
        amount: '1250.50',
        active: true,
        day: '2026-11-23',
        at: '2026-11-23 10:15:30.123',
        ref: '5f0c6a52-8d5e-4d2c-9a51-2b8f3c1d7e90',
        doc: '{"term": 1, "scores": [12, 15]}',
        ratio: 0.25,
        tags: ['a', 'b'],
      },
      {
        id: 2,
        label: null,
        big: null,
        amount: null,
        active: null,
        day: null,
        at: null,
        ref: null,
        doc: null,
        ratio: null,
        tags: null,
      },
    ]);
  });

  it('returns typed fields and column metadata without formatRecordsAs', async () => {
    const out = await data.send(
      new ExecuteStatementCommand({
        resourceArn,
        secretArn: schoolA,
        sql: 'SELECT id, big, amount, active, day, ratio, tags, label FROM samples WHERE id = :id',
        parameters: [{ name: 'id', value: { longValue: 1 } }],
        includeResultMetadata: true,
      }),
    );
    expect(out.records).toEqual([
      [
        { longValue: 1 },
        { longValue: 9007199254740991 },
        { stringValue: '1250.50' },
        { booleanValue: true },
        { stringValue: '2026-11-23' },
        { doubleValue: 0.25 },
        { arrayValue: { stringValues: ['a', 'b'] } },
        { stringValue: 'Ada' },
      ],
    ]);
    expect(out.columnMetadata?.map((c) => [c.name, c.typeName])).toEqual([
      ['id', 'int4'],
      ['big', 'int8'],
      ['amount', 'numeric'],
      ['active', 'bool'],
      ['day', 'date'],
      ['ratio', 'float8'],
      ['tags', '_array'],
      ['label', 'text'],
    ]);
  });

  it('reports rows updated, and leaves casts and quoted colons alone', async () => {
    const out = await execute({
      sql: "UPDATE samples SET label = 'time: ' || :label::text WHERE id = :id",
      parameters: [
        { name: 'label', value: { stringValue: '10:30' } },
        { name: 'id', value: { longValue: 2 } },
      ],
    });
    expect(out.numberOfRecordsUpdated).toBe(1);
    const check = await execute({ sql: 'SELECT label FROM samples WHERE id = 2' });
    expect(rows(check)).toEqual([{ label: 'time: 10:30' }]);
  });
});

describe('Data API contract: rules the real service enforces', () => {
  it('types values as the Data API does: a string is no uuid without its type hint', async () => {
    const ref = '0d8f6a3e-1b2c-4d5e-8f90-123456789abc';
    const untyped = await errorOf(
      execute({
        sql: 'INSERT INTO samples (id, ref) VALUES (:id, :ref)',
        parameters: [
          { name: 'id', value: { longValue: 300 } },
          { name: 'ref', value: { stringValue: ref } },
        ],
      }),
    );
    expect(untyped.name).toBe('DatabaseErrorException');
    expect(untyped.message).toMatch(/is of type uuid but expression is of type character varying/);
    const hinted = await execute({
      sql: 'INSERT INTO samples (id, ref) VALUES (:id, :ref)',
      parameters: [
        { name: 'id', value: { longValue: 300 } },
        { name: 'ref', value: { stringValue: ref }, typeHint: 'UUID' },
      ],
    });
    expect(hinted.numberOfRecordsUpdated).toBe(1);
  });

  it('refuses more than one statement per call', async () => {
    expect(await errorOf(execute({ sql: 'SELECT 1; SELECT 2' }))).toMatchObject({ name: 'BadRequestException' });
  });

  it('refuses array parameters', async () => {
    const error = await errorOf(
      execute({ sql: 'SELECT :ids', parameters: [{ name: 'ids', value: { arrayValue: { longValues: [1, 2] } } }] }),
    );
    expect(error).toEqual({ name: 'BadRequestException', message: 'Array parameters are not supported.' });
  });

  it('refuses the schema parameter', async () => {
    expect(await errorOf(execute({ sql: 'SELECT 1', schema: 'public' }))).toMatchObject({
      name: 'BadRequestException',
    });
  });

  it('refuses a named parameter without a value', async () => {
    expect(await errorOf(execute({ sql: 'SELECT :missing' }))).toEqual({
      name: 'BadRequestException',
      message: 'No value specified for parameter: missing',
    });
  });

  it('refuses a response over 1 MiB', async () => {
    const error = await errorOf(execute({ sql: "SELECT repeat('x', 1000) AS filler FROM generate_series(1, 1200)" }));
    expect(error.name).toBe('BadRequestException');
    expect(error.message).toMatch(/response size limit/);
  });

  it('refuses a row over 64 KB', async () => {
    expect(await errorOf(execute({ sql: "SELECT repeat('x', 70000) AS wide" }))).toMatchObject({
      name: 'BadRequestException',
    });
  });

  it('refuses a request over 4 MiB', async () => {
    const huge = 'y'.repeat(4 * 1024 * 1024 + 10);
    expect(
      await errorOf(execute({ sql: 'SELECT :v', parameters: [{ name: 'v', value: { stringValue: huge } }] })),
    ).toMatchObject({
      name: 'BadRequestException',
    });
  });

  it('times a long call out and cancels it, unless asked to continue', async () => {
    await execute({ sql: 'CREATE TABLE slow_writes (n integer)' });
    const cancelled = await errorOf(execute({ sql: 'INSERT INTO slow_writes SELECT 1 FROM pg_sleep(2.5)' }));
    expect(cancelled.name).toBe('StatementTimeoutException');
    const continued = await errorOf(
      execute({ sql: 'INSERT INTO slow_writes SELECT 2 FROM pg_sleep(2.5)', continueAfterTimeout: true }),
    );
    expect(continued.name).toBe('StatementTimeoutException');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(rows(await execute({ sql: 'SELECT n FROM slow_writes ORDER BY n' }))).toEqual([{ n: 2 }]);
  });

  it('reports SQL errors as DatabaseErrorException with the SQLState', async () => {
    const error = await errorOf(
      execute({ sql: 'INSERT INTO samples (id) VALUES (:id)', parameters: [{ name: 'id', value: { longValue: 1 } }] }),
    );
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/duplicate key value.*SQLState: 23505/s);
  });

  it('names an unknown cluster, secret and database', async () => {
    expect((await errorOf(execute({ sql: 'SELECT 1', resourceArn: `${resourceArn}-nope` }))).name).toBe(
      'NotFoundException',
    );
    expect((await errorOf(execute({ sql: 'SELECT 1' }, `${schoolA}x`))).name).toBe('SecretsErrorException');
    expect((await errorOf(execute({ sql: 'SELECT 1', database: 'no_such_school' }))).name).toBe(
      'DatabaseNotFoundException',
    );
  });
});

describe('Data API: statements kept prepared on their connection', () => {
  it('prepares a repeated statement once, and still answers after its table changes shape', async () => {
    await execute({ sql: 'CREATE TABLE kept (id integer PRIMARY KEY, label text)' });
    await execute({ sql: "INSERT INTO kept VALUES (1, 'one')" });
    // One call at a time takes the same pooled connection again.
    for (let i = 0; i < 6; i++)
      expect(rows(await execute({ sql: 'SELECT * FROM kept' }))).toEqual([{ id: 1, label: 'one' }]);
    const prepared = rows(await execute({ sql: 'SELECT statement FROM pg_prepared_statements' }));
    expect(prepared).toContainEqual({ statement: 'SELECT * FROM kept' });
    // Not DDL: only data statements are kept.
    expect(prepared.some((row) => /CREATE TABLE/.test(String(row.statement)))).toBe(false);

    await execute({ sql: 'ALTER TABLE kept ADD COLUMN extra integer DEFAULT 7' });
    expect(rows(await execute({ sql: 'SELECT * FROM kept' }))).toEqual([{ id: 1, label: 'one', extra: 7 }]);
  });
});

describe('Data API contract: transactions', () => {
  const insert = (id: number, transactionId?: string) =>
    execute({
      sql: 'INSERT INTO samples (id) VALUES (:id)',
      parameters: [{ name: 'id', value: { longValue: id } }],
      transactionId,
    });
  const exists = async (id: number) =>
    rows(
      await execute({
        sql: 'SELECT id FROM samples WHERE id = :id',
        parameters: [{ name: 'id', value: { longValue: id } }],
      }),
    ).length === 1;
  const begin = async () =>
    (await data.send(new BeginTransactionCommand({ resourceArn, secretArn: schoolA }))).transactionId!;

  it('commits and rolls back', async () => {
    const committed = await begin();
    await insert(100, committed);
    expect(await exists(100)).toBe(false);
    expect(
      (await data.send(new CommitTransactionCommand({ resourceArn, secretArn: schoolA, transactionId: committed })))
        .transactionStatus,
    ).toBe('Transaction Committed');
    expect(await exists(100)).toBe(true);

    const rolledBack = await begin();
    await insert(101, rolledBack);
    await data.send(new RollbackTransactionCommand({ resourceArn, secretArn: schoolA, transactionId: rolledBack }));
    expect(await exists(101)).toBe(false);
  });

  it('expires an idle transaction: rolled back, and its id no longer found', async () => {
    const idle = await begin();
    await insert(102, idle);
    await new Promise((resolve) => setTimeout(resolve, 1400));
    expect((await errorOf(insert(103, idle))).name).toBe('TransactionNotFoundException');
    expect(await exists(102)).toBe(false);
  });

  it('runs a batch atomically', async () => {
    const sets = (ids: number[]) => ids.map((id) => [{ name: 'id', value: { longValue: id } }]);
    const ok = await data.send(
      new BatchExecuteStatementCommand({
        resourceArn,
        secretArn: schoolA,
        sql: 'INSERT INTO samples (id) VALUES (:id)',
        parameterSets: sets([200, 201]),
      }),
    );
    expect(ok.updateResults).toHaveLength(2);
    const failed = await errorOf(
      data.send(
        new BatchExecuteStatementCommand({
          resourceArn,
          secretArn: schoolA,
          sql: 'INSERT INTO samples (id) VALUES (:id)',
          parameterSets: sets([202, 200]),
        }),
      ),
    );
    expect(failed.name).toBe('DatabaseErrorException');
    expect(await exists(202)).toBe(false);
  });
});

describe('Data API contract: one school cannot reach another', () => {
  it('refuses a school’s credentials on another school’s database', async () => {
    const error = await errorOf(execute({ sql: 'SELECT 1', database: 'school_b' }, schoolA));
    expect(error.name).toBe('DatabaseErrorException');
    expect(error.message).toMatch(/permission denied for database.*SQLState: 42501/s);
    expect(rows(await execute({ sql: 'SELECT current_user AS who' }, schoolB))).toEqual([{ who: 'school_b' }]);
  });
});

describe('Data API contract: auto-pause', () => {
  it('answers DatabaseResumingException after idleness, then serves again', async () => {
    const paused = await startDataApi({
      port: 0,
      clusters: [{ resourceArn, port: postgres.port }],
      secrets,
      autoPause: { idleMs: 1000, resumeMs: 300 },
    });
    const local = client(paused.url);
    try {
      const run = () =>
        local.send(new ExecuteStatementCommand({ resourceArn, secretArn: schoolA, sql: 'SELECT 1 AS one' }));
      await run();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await errorOf(run())).name).toBe('DatabaseResumingException');
      expect((await errorOf(run())).name).toBe('DatabaseResumingException');
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect((await run()).records).toEqual([[{ longValue: 1 }]]);
    } finally {
      local.destroy();
      await paused.close();
    }
  });
});
