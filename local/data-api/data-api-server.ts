import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalIam, restJsonErrorReply } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import type { AddressInfo } from 'node:net';
import type { SecretStore } from '../secrets/secret-store';
import { type AutoPause, ClusterPools, type ClusterState, type LocalCluster } from './cluster-pools';
import { badRequest, DataApiError } from './errors';
import { stalePlan } from './postgres-errors';
import { shapeResult } from './result-shapes';
import { StatementRunner } from './statement-runner';
import { Transactions } from './transactions';
import type { SqlParameter } from './values';

export type { LocalCluster } from './cluster-pools';

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
  readonly autoPause?: AutoPause;
  /** Checks each call's signature and its caller's IAM policies. @default none: any caller */
  readonly iam?: LocalIam;
}

export interface DataApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The RDS Data API over local PostgreSQL servers, speaking the service's REST-JSON
 * protocol so the unchanged `@aws-sdk/client-rds-data` client works with only `endpoint`
 * set. It enforces the service's rules (one statement, named parameters, no arrays, size
 * limits, call timeout, transaction expiry) with the same exception names. Its parts:
 * the clusters' connection pools (cluster-pools.ts), transactions (transactions.ts), the
 * statement runner with its prepared statements (statement-runner.ts) and the shapes of
 * results (result-shapes.ts); here, the operations and HTTP.
 */
export async function startDataApi(options: DataApiServerOptions): Promise<DataApiServer> {
  const limits = { ...awsDataApiLimits, ...options.limits };
  const pools = new ClusterPools(options.clusters, options.secrets, options.autoPause);
  const transactions = new Transactions(limits.transactionIdleMs);
  const statements = new StatementRunner(limits.callTimeoutMs);
  const shape = (result: Parameters<typeof shapeResult>[0], body: Record<string, unknown>) =>
    shapeResult(result, body, limits.maxRowBytes);

  function checkRequest(body: Record<string, unknown>): void {
    if ('schema' in body && body.schema !== undefined) throw badRequest("The schema parameter isn't supported.");
    if (body.formatRecordsAs !== undefined && body.formatRecordsAs !== 'JSON' && body.formatRecordsAs !== 'NONE') {
      throw badRequest(`Invalid formatRecordsAs: ${JSON.stringify(body.formatRecordsAs)}.`);
    }
  }

  const inTransaction = (body: Record<string, unknown>, state: ClusterState) =>
    transactions.connectionOf(body.transactionId as string, state.cluster.resourceArn, body.secretArn as string);

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    '/Execute': async (body) => {
      checkRequest(body);
      const state = pools.cluster(body.resourceArn as string);
      const secretArn = body.secretArn as string;
      const { text, values } = statements.prepare(body.sql, body.parameters as SqlParameter[]);
      const continueAfterTimeout = body.continueAfterTimeout === true;
      if (body.transactionId) {
        return shape(await statements.run(inTransaction(body, state), text, values, continueAfterTimeout), body);
      }
      const execute = async () => {
        const client = await pools.connect(state, secretArn, body.database as string);
        return statements.run(client, text, values, continueAfterTimeout, (broken) => client.release(broken));
      };
      try {
        return shape(await execute(), body);
      } catch (error) {
        // A pooled session the server had terminated fails before its statement runs: once more,
        // on a new one; so does a kept statement whose table changed (nothing ran).
        if (
          !(error instanceof DataApiError) ||
          !(/SQLState: 57P01/.test(error.message) || stalePlan.test(error.message))
        ) {
          throw error;
        }
        return shape(await execute(), body);
      }
    },
    '/BatchExecute': async (body) => {
      checkRequest(body);
      const state = pools.cluster(body.resourceArn as string);
      const sets = (body.parameterSets as SqlParameter[][] | undefined) ?? [[]];
      const prepared = sets.map((set) => statements.prepare(body.sql, set));
      const held = body.transactionId ? inTransaction(body, state) : undefined;
      const client = held ?? (await pools.connect(state, body.secretArn as string, body.database as string));
      try {
        // Without a transaction of the caller's, the batch is atomic on its own.
        if (!held) await client.query('BEGIN');
        const updateResults = [];
        for (const { text, values } of prepared) {
          await statements.run(client, text, values, false);
          updateResults.push({ generatedFields: [] });
        }
        if (!held) await client.query('COMMIT');
        return { updateResults };
      } catch (error) {
        if (!held) await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        if (!held) client.release();
      }
    },
    '/BeginTransaction': async (body) => {
      checkRequest(body);
      const state = pools.cluster(body.resourceArn as string);
      const client = await pools.connect(state, body.secretArn as string, body.database as string);
      return {
        transactionId: await transactions.begin(client, state.cluster.resourceArn, body.secretArn as string),
      };
    },
    '/CommitTransaction': async (body) => {
      inTransaction(body, pools.cluster(body.resourceArn as string));
      await transactions.end(body.transactionId as string, 'COMMIT');
      return { transactionStatus: 'Transaction Committed' };
    },
    '/RollbackTransaction': async (body) => {
      inTransaction(body, pools.cluster(body.resourceArn as string));
      await transactions.end(body.transactionId as string, 'ROLLBACK');
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

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error) => {
      const failure =
        error instanceof DataApiError ? error : new DataApiError('InternalServerErrorException', String(error));
      restJsonErrorReply(response, { status: failure.status, code: failure.errorName, message: failure.message });
    });
  };
  const server = createServer(options.iam ? options.iam.guard(protectedServices.dataApi, listener) : listener);
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
      await transactions.rollbackAll();
      await pools.close();
    },
  };
}
