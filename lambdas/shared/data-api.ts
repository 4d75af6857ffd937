import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  type BeginTransactionCommandOutput,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricNames, metrics } from './observability';

/** Which database a session talks to: the shard group's cluster, a role's secret, and the database name. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

/** A value with the Data API type hint it needs (dates, times, decimals, UUIDs, JSON). */
export interface TypedValue {
  readonly value: string;
  readonly typeHint: 'DATE' | 'TIME' | 'TIMESTAMP' | 'DECIMAL' | 'UUID' | 'JSON';
}

export type SqlValue = string | number | boolean | null | undefined | TypedValue;
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** Builders for parameters that need a type hint. */
export const typed = {
  date: (value: string): TypedValue => ({ value, typeHint: 'DATE' }),
  time: (value: string): TypedValue => ({ value, typeHint: 'TIME' }),
  /** An instant, sent in UTC as the Data API expects (`YYYY-MM-DD HH:MM:SS.sss`). */
  timestamp: (value: Date): TypedValue => ({
    value: value.toISOString().replace('T', ' ').replace('Z', ''),
    typeHint: 'TIMESTAMP',
  }),
  decimal: (value: string): TypedValue => ({ value, typeHint: 'DECIMAL' }),
  uuid: (value: string): TypedValue => ({ value, typeHint: 'UUID' }),
  json: (value: unknown): TypedValue => ({ value: JSON.stringify(value), typeHint: 'JSON' }),
};

/**
 * A column the SQL built as JSON and sent as text (`json_agg(…)::text`, `jsonb::text`): its
 * shape is the statement's, so the caller names it, or the value's place infers it.
 */
export function jsonColumn<T = unknown>(text: string): T {
  return JSON.parse(text) as T;
}

function toParameter(name: string, value: SqlValue): SqlParameter {
  if (value === null || value === undefined) return { name, value: { isNull: true } };
  if (typeof value === 'string') return { name, value: { stringValue: value } };
  if (typeof value === 'boolean') return { name, value: { booleanValue: value } };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Parameter ${name} is not a finite number.`);
    return { name, value: Number.isInteger(value) ? { longValue: value } : { doubleValue: value } };
  }
  if (Array.isArray(value)) throw new TypeError(`Parameter ${name}: the Data API takes no arrays.`);
  return { name, value: { stringValue: value.value }, typeHint: value.typeHint };
}

function toParameters(params: SqlParams | undefined): SqlParameter[] {
  return Object.entries(params ?? {}).map(([name, value]) => toParameter(name, value));
}

/**
 * Constraint violations and bad values (SQLSTATE classes 22 and 23) are the caller's
 * doing and become 4xx answers; they are not the service failures `DataApiErrors` alarms on.
 */
function callerCaused(error: Error): boolean {
  // 25006: a write to a school made read-only while it is moved (expected, answered 503).
  return error.name === 'DatabaseErrorException' && /SQLState: (2[23]\w{3}|25006)/.test(error.message);
}

let sharedClient: RDSDataClient | undefined;
const client = () => (sharedClient ??= new RDSDataClient({}));

/** An auto-paused cluster answers this while it resumes (up to about 15 s). */
const resumingError = 'DatabaseResumingException';
const resumeDelaysMs = [500, 1000, 2000, 4000, 8000];

/**
 * Who writes through a session, as its audited writes record it (`audit-entry.ts`): the
 * caller from the verified token and the API request, or a workflow and its run.
 */
export interface AuditIdentity {
  readonly actor: string;
  readonly requestId: string;
}

/** A statement's parameters with the session's audit identity, which an audited write reads. */
function withAuditIdentity(sql: string, params: SqlParams | undefined, identity: AuditIdentity | undefined): SqlParams {
  if (!sql.includes(':auditActor')) return params ?? {};
  // Fail closed: a write with no one to name is not made.
  if (!identity) throw new Error('An audited write needs its session to know who writes (auditIdentity).');
  return { ...params, auditActor: identity.actor, auditRequest: identity.requestId };
}

/**
 * Every call a request makes to one school database: named, typed parameters, JSON
 * records, transactions, retries while a paused cluster resumes, and a count of round
 * trips (the API keeps each request to at most two), with failed calls published as the
 * `DataApiErrors` metric the observability stack alarms on.
 */
export class DataApiSession {
  /** Calls sent, retries included. */
  roundTrips = 0;
  private transactionId: string | undefined;
  /** Set from the moment a transaction is asked for until it ends. */
  private transacting = false;

  constructor(
    readonly target: DataApiTarget,
    private readonly rdsData: RDSDataClient = client(),
    /** Who the session's audited writes name; without it they are refused. */
    readonly auditIdentity?: AuditIdentity,
    /** The database refuses writes now (the school is suspended, or being moved): reads write nothing beside them. */
    readonly readOnly = false,
  ) {}

  /** The same database, written as someone (a request's caller, a workflow). */
  as(identity: AuditIdentity): DataApiSession {
    return new DataApiSession(this.target, this.rdsData, identity, this.readOnly);
  }

  /** Runs one statement and returns its rows. */
  async query<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<Row[]> {
    const out = await this.statement(sql, params, true);
    return out.formattedRecords ? (JSON.parse(out.formattedRecords) as Row[]) : [];
  }

  /** Runs one statement for its effect; resolves to the number of rows it changed. */
  async execute(sql: string, params?: SqlParams): Promise<number> {
    return (await this.statement(sql, params, false)).numberOfRecordsUpdated ?? 0;
  }

  private statement(sql: string, params: SqlParams | undefined, records: boolean) {
    return this.send<ExecuteStatementCommandOutput>(
      () =>
        new ExecuteStatementCommand({
          ...this.target,
          sql,
          parameters: toParameters(withAuditIdentity(sql, params, this.auditIdentity)),
          ...(records ? { formatRecordsAs: 'JSON' as const } : {}),
          ...(this.transactionId ? { transactionId: this.transactionId } : {}),
        }),
    );
  }

  /** One statement over many parameter sets, in one call. */
  async batch(sql: string, paramSets: readonly SqlParams[]): Promise<void> {
    if (paramSets.length === 0) return;
    await this.send(
      () =>
        new BatchExecuteStatementCommand({
          ...this.target,
          sql,
          parameterSets: paramSets.map((params) => toParameters(withAuditIdentity(sql, params, this.auditIdentity))),
          ...(this.transactionId ? { transactionId: this.transactionId } : {}),
        }),
    );
  }

  /**
   * Runs `work` in one transaction: committed if it resolves, rolled back if it throws. A session
   * runs one transaction at a time (every statement it sends meanwhile is part of it): work that
   * runs transactions side by side takes a session each (`as`).
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.transacting) throw new Error('Transactions do not nest, nor run side by side on one session.');
    this.transacting = true;
    let begun: BeginTransactionCommandOutput;
    try {
      begun = await this.send<BeginTransactionCommandOutput>(
        () =>
          new BeginTransactionCommand({
            resourceArn: this.target.resourceArn,
            secretArn: this.target.secretArn,
            database: this.target.database,
          }),
      );
    } catch (error) {
      this.transacting = false;
      throw error;
    }
    this.transactionId = begun.transactionId!;
    const ids = {
      resourceArn: this.target.resourceArn,
      secretArn: this.target.secretArn,
      transactionId: begun.transactionId!,
    };
    try {
      const result = await work();
      this.transactionId = undefined;
      await this.send(() => new CommitTransactionCommand(ids));
      return result;
    } catch (error) {
      this.transactionId = undefined;
      await this.send(() => new RollbackTransactionCommand(ids)).catch(() => undefined);
      throw error;
    } finally {
      this.transacting = false;
    }
  }

  private async send<O>(command: () => { input: unknown } & object): Promise<O> {
    for (let attempt = 0; ; attempt++) {
      this.roundTrips++;
      try {
        return (await this.rdsData.send(command() as never)) as O;
      } catch (error) {
        const name = (error as Error).name;
        // Inside a transaction a resume cannot happen (the cluster is awake), so only retry outside one.
        if (name === resumingError && !this.transactionId && attempt < resumeDelaysMs.length) {
          await new Promise((resolve) => setTimeout(resolve, resumeDelaysMs[attempt]));
          continue;
        }
        if (!callerCaused(error as Error)) metrics.addMetric(metricNames.dataApiErrors, MetricUnit.Count, 1);
        throw error;
      }
    }
  }
}
