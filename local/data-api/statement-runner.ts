import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { DataApiError, badRequest } from './errors';
import { toPositional } from './named-parameters';
import { connectionLost, fromPostgres, stalePlan } from './postgres-errors';
import { bindParameters, type SqlParameter } from './values';

/** Statements longer than this (bulk inserts of many rows) are not kept prepared. */
const maxPreparedLength = 16 * 1024;
const maxPreparedPerConnection = 200;

/**
 * Runs one statement as the Data API does: named `:params` rewritten to PostgreSQL's (each SQL
 * text once), the call timeout (the statement cancelled, or with `continueAfterTimeout` left
 * to finish), and each connection's repeated statements kept prepared, so PostgreSQL parses
 * and plans them once; a kept statement whose table changed shape is prepared afresh.
 */
export class StatementRunner {
  private readonly prepared = new WeakMap<pg.PoolClient, Map<string, string>>();
  private statementCount = 0;
  // The same few statements come again and again: rewrite each (with its parameters' casts) once.
  private readonly rewritten = new LRUCache<string, { text: string; names: string[] }>({ max: 1000 });

  constructor(private readonly callTimeoutMs: number) {}

  /** A statement's PostgreSQL text and values, from the Data API's SQL and parameters. */
  prepare(sql: unknown, parameters: SqlParameter[] | undefined): { text: string; values: unknown[] } {
    if (typeof sql !== 'string' || !sql.trim()) throw badRequest('sql is required.');
    const { names } = this.rewrite(sql);
    const { values, casts } = bindParameters(names, parameters);
    return { text: this.rewrite(sql, casts).text, values };
  }

  /**
   * Runs one statement with the call timeout. `release` (for pooled clients) runs only once
   * the statement is over, so no connection returns to the pool busy.
   */
  async run(
    client: pg.PoolClient,
    text: string,
    values: unknown[],
    continueAfterTimeout: boolean,
    release?: (broken?: Error) => void,
  ): Promise<pg.QueryResult<unknown[]>> {
    let timer: NodeJS.Timeout | undefined;
    const name = this.statementName(client, text);
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
      timer = setTimeout(() => resolve(timedOut), this.callTimeoutMs);
    });
    let outcome: Awaited<typeof query> | typeof timedOut;
    try {
      outcome = await Promise.race([query, timeout]);
    } catch (error) {
      // A table changed under a kept statement so that its columns differ: prepare it afresh next time.
      if (name && staleStatement(error)) this.prepared.get(client)?.delete(text);
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
      `Statement timed out after ${this.callTimeoutMs / 1000} seconds.`,
    );
  }

  private rewrite(sql: string, casts?: readonly (string | undefined)[]) {
    const key = casts ? `${casts.join(',')}\u0000${sql}` : sql;
    let result = this.rewritten.get(key);
    if (!result) {
      const names = casts ? this.rewrite(sql).names : [];
      result = toPositional(sql, casts ? (name) => casts[names.indexOf(name)] : undefined);
      this.rewritten.set(key, result);
    }
    return result;
  }

  /**
   * A name for a statement this connection should keep prepared: only data statements, only
   * so many per connection (the unnamed statement is parsed and planned on every call).
   */
  private statementName(client: pg.PoolClient, text: string): string | undefined {
    if (text.length > maxPreparedLength || !/^\s*(select|with|insert|update|delete|values)\b/i.test(text)) {
      return undefined;
    }
    let prepared = this.prepared.get(client);
    if (!prepared) {
      prepared = new Map();
      this.prepared.set(client, prepared);
    }
    let name = prepared.get(text);
    if (name === undefined) {
      if (prepared.size >= maxPreparedPerConnection) return undefined;
      name = `campus_${++this.statementCount}`;
      prepared.set(text, name);
    }
    return name;
  }
}

function staleStatement(error: unknown): boolean {
  return (error as { code?: string }).code === '0A000' && stalePlan.test(String(error));
}

/** Cancels the statement a connection runs: a fresh connection of the same user may cancel its backend. */
async function cancel(client: pg.PoolClient): Promise<void> {
  const pid = (client as unknown as { processID: number }).processID;
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
