import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { badRequest, DataApiError } from './errors';
import { toPositional } from './named-parameters';
import type { SecretStore } from '../secrets/secret-store';
import { bindParameters, columnType, type SqlParameter, toField, toJsonValue } from './values';

/** A local shard group: the PostgreSQL server behind one `resourceArn`. */
export interface LocalCluster {
  readonly resourceArn: string;
  readonly port: number;
}

/** The Data API's limits; tests shorten the time ones. */
export interface DataApiLimits {
  /** A call returns StatementTimeoutException after this long. */
  readonly callTimeoutMs: number;
  /** A transaction unused for this long is rolled back and forgotten. */
  readonly transactionIdleMs: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly maxRowBytes: number;
}

export const awsDataApiLimits: DataApiLimits = {
  callTimeoutMs: 45_000,
  transactionIdleMs: 3 * 60_000,
  maxRequestBytes: 4 * 1024 * 1024,
  maxResponseBytes: 1024 * 1024,
  maxRowBytes: 64 * 1024,
};

export interface DataApiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly clusters: readonly LocalCluster[];
  readonly secrets: SecretStore;
  readonly limits?: Partial<DataApiLimits>;
  /**
   * Aurora auto-pause: a cluster idle this long answers DatabaseResumingException for
   * `resumeMs` before serving again, as a paused Serverless v2 cluster does.
   */
  readonly autoPause?: { readonly idleMs: number; readonly resumeMs: number };
}

export interface DataApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Transaction {
  readonly client: pg.PoolClient;
  readonly resourceArn: string;
  readonly secretArn: string;
  timer: NodeJS.Timeout;
}

interface ClusterState {
  readonly cluster: LocalCluster;
  lastUsed: number;
  resumingUntil: number;
}

/** Statements longer than this (bulk inserts of many rows) are not kept prepared. */
const maxPreparedLength = 16 * 1024;
const maxPreparedPerConnection = 200;
/** PostgreSQL's refusal of a kept statement whose table changed shape: nothing ran, it can run afresh. */
const stalePlan = /cached plan must not change result type/;

// Raw text for every column: values.ts converts by type the way the Data API does.
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * The RDS Data API over local PostgreSQL servers, speaking the service's REST-JSON
 * protocol so the unchanged `@aws-sdk/client-rds-data` client works with only `endpoint`
 * set. It enforces the service's rules (one statement, named parameters, no arrays, size
 * limits, call timeout, transaction expiry) with the same exception names.
 */
export async function startDataApi(options: DataApiServerOptions): Promise<DataApiServer> {
  const limits = { ...awsDataApiLimits, ...options.limits };
  const clusters = new Map(
    options.clusters.map((c) => [c.resourceArn, { cluster: c, lastUsed: Date.now(), resumingUntil: 0 }]),
  );
  const pools = new Map<string, pg.Pool>();
  // Below the server's 100 connections, with room for superuser and maintenance sessions.
  const connectionBudget = 80;
  const transactions = new Map<string, Transaction>();

  function clusterFor(resourceArn: string | undefined): ClusterState {
    if (!resourceArn) throw badRequest('resourceArn is required.');
    const state = clusters.get(resourceArn);
    if (!state) throw new DataApiError('NotFoundException', `No cluster has the ARN ${resourceArn}.`);
    const now = Date.now();
    if (options.autoPause) {
      if (now < state.resumingUntil)
        throw new DataApiError(
          'DatabaseResumingException',
          'The database is resuming after being auto-paused. Retry in a few seconds.',
        );
      if (now - state.lastUsed > options.autoPause.idleMs) {
        state.resumingUntil = now + options.autoPause.resumeMs;
        // Idleness counts again from when the cluster is back up.
        state.lastUsed = state.resumingUntil;
        throw new DataApiError(
          'DatabaseResumingException',
          'The database is resuming after being auto-paused. Retry in a few seconds.',
        );
      }
    }
    state.lastUsed = now;
    return state;
  }

  /**
   * A database per school means a pool per school: before opening another connection,
   * pools of this cluster that sit wholly idle are closed, least recently used first, so
   * the server's connection limit is never reached by idle connections.
   */
  async function makeRoom(state: ClusterState): Promise<void> {
    const prefix = `${state.cluster.resourceArn}|`;
    const ofCluster = [...pools].filter(([key]) => key.startsWith(prefix));
    let open = ofCluster.reduce((sum, [, pool]) => sum + pool.totalCount, 0);
    for (const [key, pool] of ofCluster) {
      if (open < connectionBudget) break;
      if (pool.totalCount === 0 || pool.idleCount < pool.totalCount || pool.waitingCount > 0) continue;
      open -= pool.totalCount;
      pools.delete(key);
      await pool.end().catch(() => undefined);
    }
  }

  function poolFor(state: ClusterState, secretArn: string, database: string | undefined): pg.Pool {
    const secret = options.secrets.get(secretArn);
    const db = database || secret.dbname || 'postgres';
    // The password is part of the key: a wrong one must not reuse a pool that logged in with the right one.
    const key = `${state.cluster.resourceArn}|${secret.username}|${createHash('sha256').update(secret.password).digest('hex')}|${db}`;
    let pool = pools.get(key);
    if (pool) {
      // Most recently used last: idle pools at the front are closed first.
      pools.delete(key);
      pools.set(key, pool);
    } else {
      pool = new pg.Pool({
        host: '127.0.0.1',
        port: state.cluster.port,
        user: secret.username,
        password: secret.password,
        database: db,
        max: 8,
        idleTimeoutMillis: 30_000,
        types: rawText,
        options: '-c TimeZone=UTC',
      });
      pool.on('error', () => undefined);
      pools.set(key, pool);
    }
    return pool;
  }

  const listening = new WeakSet<pg.PoolClient>();

  async function connect(state: ClusterState, secretArn: string, database: string | undefined): Promise<pg.PoolClient> {
    try {
      const pool = poolFor(state, secretArn, database);
      if (pool.idleCount === 0) await makeRoom(state);
      const client = await pool.connect();
      // A session the server ends while checked out (a transaction held between calls when a
      // move or offboarding terminates it) reports on its next query; its 'error' event must not crash the process.
      if (!listening.has(client)) {
        listening.add(client);
        client.on('error', () => undefined);
      }
      return client;
    } catch (error) {
      throw fromPostgres(error);
    }
  }

  function transactionFor(id: string, resourceArn: string, secretArn: string): Transaction {
    const tx = transactions.get(id);
    if (!tx) throw new DataApiError('TransactionNotFoundException', `Transaction ${id} is not found`);
    if (tx.resourceArn !== resourceArn || tx.secretArn !== secretArn) {
      throw badRequest('The transaction was started with a different resourceArn or secretArn.');
    }
    clearTimeout(tx.timer);
    tx.timer = expireLater(id);
    return tx;
  }

  function expireLater(id: string): NodeJS.Timeout {
    const timer = setTimeout(
      () => void endTransaction(id, 'ROLLBACK').catch(() => undefined),
      limits.transactionIdleMs,
    );
    timer.unref();
    return timer;
  }

  async function endTransaction(id: string, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const tx = transactions.get(id);
    if (!tx) return;
    transactions.delete(id);
    clearTimeout(tx.timer);
    try {
      await tx.client.query(command);
      tx.client.release();
    } catch (error) {
      tx.client.release(error as Error);
      throw fromPostgres(error);
    }
  }

  /**
   * Runs one statement with the call timeout. On timeout the statement is cancelled and
   * awaited, or, with `continueAfterTimeout`, left to finish; `release` (for pooled clients)
   * runs only once the statement is over, so no connection returns to the pool busy.
   */
  async function run(
    client: pg.PoolClient,
    text: string,
    values: unknown[],
    continueAfterTimeout: boolean,
    release?: (broken?: Error) => void,
  ) {
    let timer: NodeJS.Timeout | undefined;
    const name = statementName(client, text);
    const query = client.query<unknown[]>({
      name,
      text,
      values,
      rowMode: 'array',
      queryMode: 'extended',
    } as pg.QueryConfig & {
      queryMode: 'extended';
    });
    const timedOut = Symbol('timeout');
    const timeout = new Promise<typeof timedOut>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), limits.callTimeoutMs);
    });
    let outcome: Awaited<typeof query> | typeof timedOut;
    try {
      outcome = await Promise.race([query, timeout]);
    } catch (error) {
      // A table changed under a kept statement so that its columns differ: prepare it afresh next time.
      if (name && staleStatement(error)) preparedOn.get(client)?.delete(text);
      // A connection the server cut (a school made read-only for a move) is closed, not pooled again.
      release?.(connectionLost(error) ? (error as Error) : undefined);
      throw fromPostgres(error);
    } finally {
      clearTimeout(timer);
    }
    if (outcome !== timedOut) {
      release?.();
      return outcome;
    }
    const settled = query.then(
      () => undefined,
      () => undefined,
    );
    if (continueAfterTimeout) {
      void settled.then(() => release?.());
    } else {
      await cancel(client).catch(() => undefined);
      await settled;
      release?.();
    }
    throw new DataApiError(
      'StatementTimeoutException',
      `Statement timed out after ${limits.callTimeoutMs / 1000} seconds.`,
    );
  }

  /**
   * A name for a statement this connection should keep prepared: PostgreSQL then parses it
   * once per connection and can reuse its plan, where the unnamed statement is parsed and
   * planned on every call. Only data statements, only so many per connection.
   */
  const preparedOn = new WeakMap<pg.PoolClient, Map<string, string>>();
  let statementCount = 0;
  function statementName(client: pg.PoolClient, text: string): string | undefined {
    if (text.length > maxPreparedLength || !/^\s*(select|with|insert|update|delete|values)\b/i.test(text)) {
      return undefined;
    }
    let prepared = preparedOn.get(client);
    if (!prepared) {
      prepared = new Map();
      preparedOn.set(client, prepared);
    }
    let name = prepared.get(text);
    if (name === undefined) {
      if (prepared.size >= maxPreparedPerConnection) return undefined;
      name = `campus_${++statementCount}`;
      prepared.set(text, name);
    }
    return name;
  }

  function staleStatement(error: unknown): boolean {
    return (error as { code?: string }).code === '0A000' && stalePlan.test(String(error));
  }

  /** The server ended the session (terminated, shut down) or the socket broke. */
  function connectionLost(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    return code === '57P01' || code === '57P02' || code === '57P03' || /Connection terminated/i.test(String(error));
  }

  async function cancel(client: pg.PoolClient): Promise<void> {
    const pid = (client as unknown as { processID: number }).processID;
    // A session of the same user may cancel the backend, so a fresh connection with its credentials does it.
    const { user, password, host, port, database } = (client as unknown as { connectionParameters: pg.ClientConfig })
      .connectionParameters;
    const canceller = new pg.Client({ user, password, host, port, database });
    try {
      await canceller.connect();
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await canceller.end().catch(() => undefined);
    }
  }

  // The same few statements come again and again: rewrite each (with its parameters' casts) once.
  const rewritten = new LRUCache<string, { text: string; names: string[] }>({ max: 1000 });
  const rewrite = (sql: string, casts?: readonly (string | undefined)[]) => {
    const key = casts ? `${casts.join(',')}\u0000${sql}` : sql;
    let result = rewritten.get(key);
    if (!result) {
      const names = casts ? rewrite(sql).names : [];
      result = toPositional(sql, casts ? (name) => casts[names.indexOf(name)] : undefined);
      rewritten.set(key, result);
    }
    return result;
  };

  function prepare(sql: unknown, parameters: SqlParameter[] | undefined) {
    if (typeof sql !== 'string' || !sql.trim()) throw badRequest('sql is required.');
    const { names } = rewrite(sql);
    const { values, casts } = bindParameters(names, parameters);
    return { text: rewrite(sql, casts).text, values };
  }

  function shapeResult(result: pg.QueryResult<unknown[]>, body: Record<string, unknown>) {
    const fields = result.fields ?? [];
    const response: Record<string, unknown> = {
      numberOfRecordsUpdated: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0),
      generatedFields: [],
    };
    if (fields.length > 0) {
      for (const row of result.rows) {
        const bytes = (row as (string | null)[]).reduce(
          (n, cell) => n + (cell === null ? 0 : Buffer.byteLength(cell)),
          0,
        );
        if (bytes > limits.maxRowBytes) throw badRequest('Database returned a row larger than the 64 KB limit.');
      }
      if (body.formatRecordsAs === 'JSON') {
        const objects = result.rows.map((row) =>
          Object.fromEntries(
            fields.map((f, i) => [f.name, toJsonValue(f.dataTypeID, (row as (string | null)[])[i] ?? null)]),
          ),
        );
        response.formattedRecords = JSON.stringify(objects);
      } else {
        response.records = result.rows.map((row) =>
          fields.map((f, i) => toField(f.dataTypeID, (row as (string | null)[])[i] ?? null)),
        );
      }
      if (body.includeResultMetadata) {
        response.columnMetadata = fields.map((f) => ({
          name: f.name,
          label: f.name,
          ...columnType(f.dataTypeID),
          nullable: 2,
        }));
      }
    }
    return response;
  }

  function checkRequest(body: Record<string, unknown>): void {
    if ('schema' in body && body.schema !== undefined) throw badRequest("The schema parameter isn't supported.");
    if (body.formatRecordsAs !== undefined && body.formatRecordsAs !== 'JSON' && body.formatRecordsAs !== 'NONE') {
      throw badRequest(`Invalid formatRecordsAs: ${JSON.stringify(body.formatRecordsAs)}.`);
    }
  }

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/Execute': async (body) => {
      checkRequest(body);
      const state = clusterFor(body.resourceArn as string);
      const secretArn = body.secretArn as string;
      const { text, values } = prepare(body.sql, body.parameters as SqlParameter[]);
      const continueAfterTimeout = body.continueAfterTimeout === true;
      if (body.transactionId) {
        const tx = transactionFor(body.transactionId as string, state.cluster.resourceArn, secretArn);
        return shapeResult(await run(tx.client, text, values, continueAfterTimeout), body);
      }
      const execute = async () => {
        const client = await connect(state, secretArn, body.database as string);
        return run(client, text, values, continueAfterTimeout, (broken) => client.release(broken));
      };
      try {
        return shapeResult(await execute(), body);
      } catch (error) {
        // A pooled session the server had terminated fails before its statement runs: once more,
        // on a new one; so does a kept statement whose table changed (nothing ran).
        if (
          !(error instanceof DataApiError) ||
          !(/SQLState: 57P01/.test(error.message) || stalePlan.test(error.message))
        ) {
          throw error;
        }
        return shapeResult(await execute(), body);
      }
    },
    '/BatchExecute': async (body) => {
      checkRequest(body);
      const state = clusterFor(body.resourceArn as string);
      const secretArn = body.secretArn as string;
      const sets = (body.parameterSets as SqlParameter[][] | undefined) ?? [[]];
      const prepared = sets.map((set) => prepare(body.sql, set));
      const inTransaction = body.transactionId
        ? transactionFor(body.transactionId as string, state.cluster.resourceArn, secretArn)
        : undefined;
      const client = inTransaction?.client ?? (await connect(state, secretArn, body.database as string));
      try {
        // Without a transaction of the caller's, the batch is atomic on its own.
        if (!inTransaction) await client.query('BEGIN');
        const updateResults = [];
        for (const { text, values } of prepared) {
          await run(client, text, values, false);
          updateResults.push({ generatedFields: [] });
        }
        if (!inTransaction) await client.query('COMMIT');
        return { updateResults };
      } catch (error) {
        if (!inTransaction) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        if (!inTransaction) client.release();
      }
    },
    '/BeginTransaction': async (body) => {
      checkRequest(body);
      const state = clusterFor(body.resourceArn as string);
      const client = await connect(state, body.secretArn as string, body.database as string);
      try {
        await client.query('BEGIN');
      } catch (error) {
        client.release(error as Error);
        throw fromPostgres(error);
      }
      const transactionId = randomBytes(24).toString('base64');
      transactions.set(transactionId, {
        client,
        resourceArn: state.cluster.resourceArn,
        secretArn: body.secretArn as string,
        timer: expireLater(transactionId),
      });
      return { transactionId };
    },
    '/CommitTransaction': async (body) => {
      clusterFor(body.resourceArn as string);
      transactionFor(body.transactionId as string, body.resourceArn as string, body.secretArn as string);
      await endTransaction(body.transactionId as string, 'COMMIT');
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (body) => {
      clusterFor(body.resourceArn as string);
      transactionFor(body.transactionId as string, body.resourceArn as string, body.secretArn as string);
      await endTransaction(body.transactionId as string, 'ROLLBACK');
      return { transactionStatus: 'Rollback Complete' };
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const operation = request.method === 'POST' ? operations[path] : undefined;
    if (!operation) throw new DataApiError('NotFoundException', `Unknown operation ${request.method} ${path}.`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > limits.maxRequestBytes) throw badRequest('Request size exceeds the 4 MiB limit.');
      chunks.push(chunk as Buffer);
    }
    let body: Record<string, unknown>;
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
    const result = JSON.stringify(await operation(body));
    if (Buffer.byteLength(result) > limits.maxResponseBytes) {
      throw badRequest('Database returned more than the allowed response size limit');
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(result);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      const failure =
        error instanceof DataApiError ? error : new DataApiError('InternalServerErrorException', String(error));
      response
        .writeHead(failure.status, { 'content-type': 'application/json', 'x-amzn-errortype': failure.errorName })
        .end(JSON.stringify({ message: failure.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      // Stop taking calls first, then end what is open.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      for (const id of [...transactions.keys()]) await endTransaction(id, 'ROLLBACK').catch(() => undefined);
      await Promise.all([...pools.values()].map((pool) => pool.end()));
    },
  };
}

/** A PostgreSQL error as the Data API reports it. */
function fromPostgres(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  const pgError = error as { code?: string; message?: string; detail?: string };
  const message = pgError.message ?? String(error);
  switch (pgError.code) {
    case '42601':
      if (message.includes('multiple commands')) return badRequest("Multistatements aren't supported.");
      break;
    case '3D000':
      return new DataApiError('DatabaseNotFoundException', message);
    case '28P01':
    case '28000':
      return new DataApiError('ForbiddenException', `Access denied: ${message}`);
    case '57014':
      return new DataApiError('StatementTimeoutException', message);
  }
  if (pgError.code) {
    const detail = pgError.detail ? `\n  Detail: ${pgError.detail}` : '';
    return new DataApiError('DatabaseErrorException', `ERROR: ${message}${detail}; SQLState: ${pgError.code}`);
  }
  return new DataApiError('InternalServerErrorException', message);
}
