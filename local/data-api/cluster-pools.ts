import { createHash } from 'node:crypto';
import pg from 'pg';
import type { SecretStore } from '../secrets/secret-store';
import { DataApiError, badRequest } from './errors';
import { fromPostgres } from './postgres-errors';

/** A local shard group: the PostgreSQL server behind one `resourceArn`. */
export interface LocalCluster {
  readonly resourceArn: string;
  readonly port: number;
}

/** Aurora auto-pause: a cluster idle `idleMs` answers DatabaseResumingException for `resumeMs`. */
export interface AutoPause {
  readonly idleMs: number;
  readonly resumeMs: number;
}

export interface ClusterState {
  readonly cluster: LocalCluster;
  lastUsed: number;
  resumingUntil: number;
}

/** Below the server's 100 connections, with room for superuser and maintenance sessions. */
const connectionBudget = 80;

// Raw text for every column: values.ts converts by type the way the Data API does.
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * The clusters behind the Data API and their connections: a pool per cluster, user (by the
 * secret's password too) and database. A database per school means a pool per school, so
 * before a connection is opened, wholly idle pools of its cluster are closed, least
 * recently used first, and idle connections never reach the server's limit.
 */
export class ClusterPools {
  private readonly clusters: Map<string, ClusterState>;
  private readonly pools = new Map<string, pg.Pool>();
  private readonly listening = new WeakSet<pg.PoolClient>();

  constructor(
    clusters: readonly LocalCluster[],
    private readonly secrets: SecretStore,
    private readonly autoPause?: AutoPause,
  ) {
    this.clusters = new Map(
      clusters.map((c) => [c.resourceArn, { cluster: c, lastUsed: Date.now(), resumingUntil: 0 }]),
    );
  }

  /** The cluster of a `resourceArn`, refused while it resumes from an auto-pause (as Aurora does). */
  cluster(resourceArn: string | undefined): ClusterState {
    if (!resourceArn) throw badRequest('resourceArn is required.');
    const state = this.clusters.get(resourceArn);
    if (!state) throw new DataApiError('NotFoundException', `No cluster has the ARN ${resourceArn}.`);
    const now = Date.now();
    if (this.autoPause) {
      const resuming = () =>
        new DataApiError(
          'DatabaseResumingException',
          'The database is resuming after being auto-paused. Retry in a few seconds.',
        );
      if (now < state.resumingUntil) throw resuming();
      if (now - state.lastUsed > this.autoPause.idleMs) {
        state.resumingUntil = now + this.autoPause.resumeMs;
        // Idleness counts again from when the cluster is back up.
        state.lastUsed = state.resumingUntil;
        throw resuming();
      }
    }
    state.lastUsed = now;
    return state;
  }

  /** A connection of the secret's user to the database (the secret's own by default). */
  async connect(state: ClusterState, secretArn: string, database: string | undefined): Promise<pg.PoolClient> {
    try {
      const pool = this.poolFor(state, secretArn, database);
      if (pool.idleCount === 0) await this.makeRoom(state);
      const client = await pool.connect();
      // A session the server ends while checked out (a transaction held between calls when a
      // move or offboarding terminates it) reports on its next query; its 'error' event must not crash the process.
      if (!this.listening.has(client)) {
        this.listening.add(client);
        client.on('error', () => undefined);
      }
      return client;
    } catch (error) {
      throw fromPostgres(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
  }

  private async makeRoom(state: ClusterState): Promise<void> {
    const prefix = `${state.cluster.resourceArn}|`;
    const ofCluster = [...this.pools].filter(([key]) => key.startsWith(prefix));
    let open = ofCluster.reduce((sum, [, pool]) => sum + pool.totalCount, 0);
    for (const [key, pool] of ofCluster) {
      if (open < connectionBudget) break;
      if (pool.totalCount === 0 || pool.idleCount < pool.totalCount || pool.waitingCount > 0) continue;
      open -= pool.totalCount;
      this.pools.delete(key);
      await pool.end().catch(() => undefined);
    }
  }

  private poolFor(state: ClusterState, secretArn: string, database: string | undefined): pg.Pool {
    const secret = this.secrets.get(secretArn);
    const db = database || secret.dbname || 'postgres';
    // The password is part of the key: a wrong one must not reuse a pool that logged in with the right one.
    const key = `${state.cluster.resourceArn}|${secret.username}|${createHash('sha256').update(secret.password).digest('hex')}|${db}`;
    let pool = this.pools.get(key);
    if (pool) {
      // Most recently used last: idle pools at the front are closed first.
      this.pools.delete(key);
      this.pools.set(key, pool);
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
      this.pools.set(key, pool);
    }
    return pool;
  }
}
