import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One entry of GetExecutionHistory, shaped as the service returns it (timestamps in ms here). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly startDate: number;
  stopDate?: number;
  /** JSON text, as the API carries it. */
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: HistoryEvent[];
}

/** How an execution ended. */
export interface Ending {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly stopDate: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** A callback Task an execution waits at: its token and state, so a restart can wait on. */
export interface PendingTask {
  readonly token: string;
  readonly state: string;
}

/** A journal line. */
type Entry =
  | { readonly kind: 'started'; readonly record: Omit<ExecutionRecord, 'history' | 'status'> }
  | { readonly kind: 'event'; readonly event: HistoryEvent }
  | { readonly kind: 'waiting'; readonly task: PendingTask }
  | { readonly kind: 'answered'; readonly token: string }
  | { readonly kind: 'ended'; readonly ending: Ending };

export interface JournaledExecution {
  readonly record: ExecutionRecord;
  /** The callback Task it waited at when the platform stopped, if it did. */
  readonly pending?: PendingTask;
}

/**
 * Where the local Step Functions keeps its executions between runs: an append-only journal
 * per execution (a JSON line per start, state transition, callback and ending), written as
 * each happens, so a restart finds every execution as far as it got, and one waiting for a
 * task token (an offboarding's approval) can wait on.
 */
export class ExecutionJournal {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  started(record: ExecutionRecord): void {
    const { history: _history, status: _status, ...rest } = record;
    this.append(record.executionArn, { kind: 'started', record: rest });
  }

  event(executionArn: string, event: HistoryEvent): void {
    this.append(executionArn, { kind: 'event', event });
  }

  waiting(executionArn: string, task: PendingTask): void {
    this.append(executionArn, { kind: 'waiting', task });
  }

  answered(executionArn: string, token: string): void {
    this.append(executionArn, { kind: 'answered', token });
  }

  ended(executionArn: string, ending: Ending): void {
    this.append(executionArn, { kind: 'ended', ending });
  }

  /** Every execution kept, folded from its journal (or, from an earlier version, its whole record). */
  load(): JournaledExecution[] {
    const executions: JournaledExecution[] = [];
    for (const file of readdirSync(this.dir)) {
      const text = readFileSync(join(this.dir, file), 'utf8');
      if (file.endsWith('.json')) executions.push({ record: JSON.parse(text) as ExecutionRecord });
      if (file.endsWith('.jsonl')) executions.push(fold(text));
    }
    return executions;
  }

  private append(executionArn: string, entry: Entry): void {
    appendFileSync(
      join(this.dir, `${Buffer.from(executionArn).toString('base64url')}.jsonl`),
      `${JSON.stringify(entry)}\n`,
    );
  }
}

function fold(text: string): JournaledExecution {
  let record: ExecutionRecord | undefined;
  let pending: PendingTask | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = JSON.parse(line) as Entry;
    if (entry.kind === 'started') record = { ...entry.record, status: 'RUNNING', history: [] };
    else if (!record) throw new Error('An execution journal must begin with its start.');
    else if (entry.kind === 'event') record.history.push(entry.event);
    else if (entry.kind === 'waiting') pending = entry.task;
    else if (entry.kind === 'answered' && pending?.token === entry.token) pending = undefined;
    else if (entry.kind === 'ended') {
      Object.assign(record, entry.ending);
      pending = undefined;
    }
  }
  if (!record) throw new Error('An empty execution journal.');
  return { record, ...(pending ? { pending } : {}) };
}
