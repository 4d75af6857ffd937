import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { badRequest, DataApiError } from './errors';
import { fromPostgres } from './postgres-errors';

interface Transaction {
  readonly client: pg.PoolClient;
  readonly resourceArn: string;
  readonly secretArn: string;
  timer: NodeJS.Timeout;
}

/**
 * The Data API's transactions: each holds a connection between calls, is used only with the
 * `resourceArn` and `secretArn` it began with, and is rolled back and forgotten once unused
 * for `idleMs` (the service's three minutes).
 */
export class Transactions {
  private readonly open = new Map<string, Transaction>();

  constructor(private readonly idleMs: number) {}

  /** Begins a transaction on a connection it keeps; its id. */
  async begin(client: pg.PoolClient, resourceArn: string, secretArn: string): Promise<string> {
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(error as Error);
      throw fromPostgres(error);
    }
    const id = randomBytes(24).toString('base64');
    this.open.set(id, { client, resourceArn, secretArn, timer: this.expireLater(id) });
    return id;
  }

  /** The connection of a transaction in use, its idle time started again. */
  connectionOf(id: string, resourceArn: string, secretArn: string): pg.PoolClient {
    const tx = this.open.get(id);
    if (!tx) throw new DataApiError('TransactionNotFoundException', `Transaction ${id} is not found`);
    if (tx.resourceArn !== resourceArn || tx.secretArn !== secretArn) {
      throw badRequest('The transaction was started with a different resourceArn or secretArn.');
    }
    clearTimeout(tx.timer);
    tx.timer = this.expireLater(id);
    return tx.client;
  }

  async end(id: string, command: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const tx = this.open.get(id);
    if (!tx) return;
    this.open.delete(id);
    clearTimeout(tx.timer);
    try {
      await tx.client.query(command);
      tx.client.release();
    } catch (error) {
      tx.client.release(error as Error);
      throw fromPostgres(error);
    }
  }

  /** Rolls back every open transaction (the server stops). */
  async rollbackAll(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.end(id, 'ROLLBACK').catch(() => undefined);
  }

  private expireLater(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.end(id, 'ROLLBACK').catch(() => undefined), this.idleMs);
    timer.unref();
    return timer;
  }
}
