import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { LocalEventLog } from '../events/event-log';
import type { FunctionHost } from '../lambda/function-host';
import { followExecution, type Resumption } from './execution-history';
import { ExecutionJournal, type ExecutionRecord, type ExecutionStatus, type PendingTask } from './execution-journal';
import type { LocalStateMachine } from './state-machine-catalog';
import { StepFunctionsError } from './step-functions-errors';
import { type TaskHandler, TaskIntegrations } from './task-integrations';

export type { ExecutionRecord, ExecutionStatus, HistoryEvent } from './execution-journal';
export { StepFunctionsError, type StepFunctionsErrorType } from './step-functions-errors';

export interface StepFunctionsServiceOptions {
  readonly stateMachines: readonly LocalStateMachine[];
  /** Runs the functions Tasks invoke. */
  readonly functions: FunctionHost;
  /** Executions are kept here between runs. */
  readonly stateDir: string;
  /**
   * Replaces every Retry interval (CDK refuses sub-second ones), so tests of retry paths
   * do not wait. @default the definition's intervals
   */
  readonly retryIntervalMs?: number;
  /** Replaces every Wait state's duration. @default the definition's */
  readonly waitMs?: number;
  readonly log?: (line: string) => void;
  /** Where EventBridge and SNS Tasks send what they carry. */
  readonly eventLog: LocalEventLog;
}

const maxInputBytes = 256 * 1024;
const executionName = /^[A-Za-z0-9_-]{1,80}$/;

/** Names of the states, nested ones included, that match. */
function stateNames(
  definition: Record<string, unknown>,
  matches: (state: Record<string, unknown>) => boolean,
): string[] {
  const names: string[] = [];
  const visit = (machine: { States?: Record<string, Record<string, unknown>> }) => {
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      if (matches(state)) names.push(name);
      for (const nested of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) {
        if (nested) visit(nested);
      }
    }
  };
  visit(definition);
  return names;
}

/** How an execution the platform's stop cut short ends. */
const stoppedWithThePlatform = {
  error: 'States.Runtime',
  cause: 'The local platform stopped while this execution was running.',
};

/**
 * Step Functions on this machine: runs executions of the synthesized state machines with
 * aws-local-stepfunctions, each Task performed by `TaskIntegrations`, each execution's
 * history made by `followExecution` and kept, as it happens, in its journal. After a
 * restart, an execution that waited for a task token at a state of its top level waits on
 * (a token given out before still answers it); any other that was running is ABORTED,
 * since a Lambda invocation cut short cannot be resumed.
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, LocalStateMachine>();
  /** Each machine's runner, its definition validated once. */
  private readonly runners = new Map<string, StateMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort(): void; done: Promise<void> }>();
  private readonly journal: ExecutionJournal;
  private readonly tasks: TaskIntegrations;
  /** The platform stops: what waits for a task token stays waiting in its journal. */
  private closing = false;

  constructor(private readonly options: StepFunctionsServiceOptions) {
    for (const machine of options.stateMachines) {
      this.machines.set(machine.arn, machine);
      const definition = machine.definition as unknown as StateMachineDefinition;
      this.runners.set(machine.arn, new StateMachine(definition, { validationOptions: { checkArn: false } }));
    }
    this.tasks = new TaskIntegrations(options);
    this.journal = new ExecutionJournal(join(options.stateDir, 'executions'));
    for (const { record, pending } of this.journal.load()) {
      this.executions.set(record.executionArn, record);
      if (record.status !== 'RUNNING') continue;
      if (!pending || !this.resume(record, pending)) {
        const ending = { status: 'ABORTED' as const, stopDate: Date.now(), ...stoppedWithThePlatform };
        Object.assign(record, ending);
        this.journal.ended(record.executionArn, ending);
      }
    }
  }

  /** Faults Task invocations fail with, for tests of Retry, Catch and compensation. */
  get faults() {
    return this.tasks.faults;
  }

  listStateMachines(): LocalStateMachine[] {
    return [...this.machines.values()];
  }

  stateMachine(arn: string): LocalStateMachine {
    const found = this.machines.get(arn);
    if (!found) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return found;
  }

  /**
   * Starts an execution. As on AWS, starting again with the name and input of one still
   * running returns it; any other reuse of a name is refused.
   */
  start(stateMachineArn: string, name: string | undefined, input: string | undefined): ExecutionRecord {
    const machine = this.stateMachine(stateMachineArn);
    const executionNameValue = name ?? randomUUID();
    if (!executionName.test(executionNameValue)) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${executionNameValue}'`);
    }
    const inputText = input ?? '{}';
    if (Buffer.byteLength(inputText) > maxInputBytes) {
      throw new StepFunctionsError('InvalidExecutionInput', 'The input is larger than 256 KiB.');
    }
    try {
      JSON.parse(inputText);
    } catch {
      throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${inputText}'`);
    }
    const executionArn = machine.arn.replace(':stateMachine:', ':execution:') + `:${executionNameValue}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing;
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name: executionNameValue,
      status: 'RUNNING',
      startDate: Date.now(),
      input: inputText,
      history: [],
    };
    this.executions.set(executionArn, record);
    this.journal.started(record);
    this.run(machine, record);
    return record;
  }

  describe(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** Newest first, as the service lists them. */
  list(stateMachineArn: string, status?: ExecutionStatus): ExecutionRecord[] {
    this.stateMachine(stateMachineArn);
    return [...this.executions.values()]
      .filter((record) => record.stateMachineArn === stateMachineArn && (!status || record.status === status))
      .sort((a, b) => b.startDate - a.startDate || b.name.localeCompare(a.name));
  }

  stop(executionArn: string, error?: string, cause?: string): ExecutionRecord {
    const record = this.describe(executionArn);
    const run = this.running.get(executionArn);
    if (record.status === 'RUNNING' && run) {
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
      run.abort();
    }
    return record;
  }

  taskWaiting(token: string): void {
    this.tasks.taskWaiting(token);
  }

  sendTaskSuccess(token: string, output: string): void {
    this.tasks.sendTaskSuccess(token, output);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.tasks.sendTaskFailure(token, error, cause);
  }

  /** Resolves when every running execution has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  /**
   * Stops the service. What waits for a task token is left as it is in its journal, so the
   * next start waits on; whatever else still runs is recorded as ABORTED.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const run of this.running.values()) run.abort();
    await this.settled();
  }

  /** Runs an execution from the start, or from a callback Task it waited at (`resuming`). */
  private run(
    machine: LocalStateMachine,
    record: ExecutionRecord,
    resuming?: Resumption & { readonly token: string },
  ): void {
    const { executionArn } = record;
    const waitingAt = new Map<string, string>(resuming ? [[resuming.state, resuming.token]] : []);
    // Stopping the platform while it waits for a token does not end it: the next start waits on.
    const keep = () => !(this.closing && waitingAt.size > 0);
    const onWaiting = (state: string) => (token: string) => {
      waitingAt.set(state, token);
      this.journal.waiting(executionArn, { token, state });
    };
    const handlers: Record<string, TaskHandler> = Object.fromEntries(
      Object.entries(machine.tasks).map(([state, target]) => [
        state,
        resuming?.state === state
          ? this.tasks.resumedCallback(target, resuming.token, onWaiting(state))
          : this.tasks.handlerFor(target, onWaiting(state)),
      ]),
    );
    // Resumed, the same definition starts at the state it waited at (validated already, whole).
    const runner = resuming
      ? new StateMachine({ ...machine.definition, StartAt: resuming.state } as unknown as StateMachineDefinition, {
          validationOptions: { noValidate: true },
        })
      : this.runners.get(machine.arn)!;
    const input: unknown = resuming ? this.stateInput(record, resuming.state) : JSON.parse(record.input);
    const execution = runner.run(input as never, {
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: executionArn,
          Name: record.name,
          Input: JSON.parse(record.input) as never,
          StartTime: new Date(record.startDate).toISOString(),
          RoleArn: `arn:aws:iam::${machine.arn.split(':')[4]}:role/local`,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
      overrides: {
        taskResourceLocalHandlers: handlers,
        ...this.timingOverrides(machine),
      },
    });
    const done = followExecution(
      record,
      execution.eventLogs,
      execution.result,
      {
        added: (event) => {
          if (!keep()) return;
          this.journal.event(executionArn, event);
          // A callback Task that moved on was answered: a restart must not wait for its token again.
          const left = event.stateExitedEventDetails as { name?: string } | undefined;
          const failed = event.type === 'TaskFailed';
          for (const [state, token] of waitingAt) {
            if (left?.name === state || failed) {
              waitingAt.delete(state);
              this.journal.answered(executionArn, token);
            }
          }
        },
        ended: (ended) => {
          if (!keep()) return;
          // Cut short by the platform stopping, it ends as it would have on the next start.
          const ending = this.closing && ended.status === 'ABORTED' ? { ...ended, ...stoppedWithThePlatform } : ended;
          Object.assign(record, ending);
          this.journal.ended(executionArn, ending);
          this.options.log?.(
            `[step functions] ${record.name}: ${ending.status}${ending.error ? ` (${ending.error})` : ''}`,
          );
        },
      },
      resuming,
    ).finally(() => {
      this.running.delete(executionArn);
    });
    this.running.set(executionArn, { abort: execution.abort, done });
  }

  /** Resumes an execution that waited for a task token; false if it cannot be (a nested state). */
  private resume(record: ExecutionRecord, pending: PendingTask): boolean {
    const machine = this.machines.get(record.stateMachineArn);
    if (!machine || !Object.hasOwn(machine.definition.States, pending.state)) return false;
    this.options.log?.(`[step functions] ${record.name}: waits on at ${pending.state} after a restart`);
    this.run(machine, record, { state: pending.state, token: pending.token });
    return true;
  }

  /** The input a state was entered with, from the history: where a resumed execution starts again. */
  private stateInput(record: ExecutionRecord, state: string): unknown {
    const entered = record.history.findLast(
      (event) => (event.stateEnteredEventDetails as { name?: string } | undefined)?.name === state,
    );
    const input = (entered?.stateEnteredEventDetails as { input?: string } | undefined)?.input;
    return input === undefined ? {} : JSON.parse(input);
  }

  private timingOverrides(machine: LocalStateMachine) {
    const { retryIntervalMs, waitMs } = this.options;
    const overrides = (matches: (state: Record<string, unknown>) => boolean, value: number) =>
      Object.fromEntries(stateNames(machine.definition, matches).map((state) => [state, value]));
    return {
      ...(retryIntervalMs === undefined
        ? {}
        : { retryIntervalOverrides: overrides((state) => Array.isArray(state.Retry), retryIntervalMs) }),
      ...(waitMs === undefined ? {} : { waitTimeOverrides: overrides((state) => state.Type === 'Wait', waitMs) }),
    };
  }
}
