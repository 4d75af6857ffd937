import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { LocalEventLog } from '../events/event-log';
import { loadHandler } from '../handler-module';
import { lambdaContext } from '../lambda-context';
import { FaultInjector } from './fault-injection';
import {
  type LocalFunction,
  type LocalStateMachine,
  localTaskTokenMarker,
  type TaskTarget,
} from './state-machine-catalog';

type ExecutionEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

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

/** The service's error names, which the endpoint returns as `__type`. */
export type StepFunctionsErrorType =
  | 'TaskDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'ValidationException';

export class StepFunctionsError extends Error {
  constructor(
    readonly type: StepFunctionsErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export interface StepFunctionsServiceOptions {
  readonly stateMachines: readonly LocalStateMachine[];
  readonly projectRoot: string;
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

/** AWS shapes a Lambda error as Error = errorType and Cause = the JSON the runtime reports. */
function lambdaError(error: unknown): Error {
  const thrown = error instanceof Error ? error : new Error(String(error));
  const errorType = thrown.name || 'Error';
  const failure = new Error(
    JSON.stringify({ errorType, errorMessage: thrown.message, trace: (thrown.stack ?? '').split('\n') }),
  );
  failure.name = errorType;
  return failure;
}

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

/**
 * Step Functions on this machine: runs executions of the synthesized state machines with
 * aws-local-stepfunctions, each Task invoking its function's handler in this process
 * with a Lambda context and the function's timeout, and keeps every execution's status
 * and history (persisted, so they survive a restart; one still running when the platform
 * stopped is ABORTED, since it cannot be resumed).
 */
export class StepFunctionsService {
  /** Faults Task invocations fail with, for tests of Retry, Catch and compensation. */
  readonly faults = new FaultInjector();
  private readonly machines = new Map<string, { machine: LocalStateMachine; runner: StateMachine }>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort(): void; done: Promise<void> }>();
  private readonly executionsDir: string;

  constructor(private readonly options: StepFunctionsServiceOptions) {
    for (const machine of options.stateMachines) {
      const runner = new StateMachine(machine.definition as unknown as StateMachineDefinition, {
        validationOptions: { checkArn: false },
      });
      this.machines.set(machine.arn, { machine, runner });
    }
    this.executionsDir = join(options.stateDir, 'executions');
    mkdirSync(this.executionsDir, { recursive: true });
    for (const file of readdirSync(this.executionsDir).filter((name) => name.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(join(this.executionsDir, file), 'utf8')) as ExecutionRecord;
      if (record.status === 'RUNNING') {
        Object.assign(record, {
          status: 'ABORTED',
          stopDate: Date.now(),
          error: 'States.Runtime',
          cause: 'The local platform stopped while this execution was running.',
        });
        this.save(record);
      }
      this.executions.set(record.executionArn, record);
    }
  }

  listStateMachines(): LocalStateMachine[] {
    return [...this.machines.values()].map(({ machine }) => machine);
  }

  stateMachine(arn: string): LocalStateMachine {
    const found = this.machines.get(arn);
    if (!found) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return found.machine;
  }

  /**
   * Starts an execution. As on AWS, starting again with the name and input of one still
   * running returns it; any other reuse of a name is refused.
   */
  start(stateMachineArn: string, name: string | undefined, input: string | undefined): ExecutionRecord {
    const found = this.machines.get(stateMachineArn);
    if (!found) this.stateMachine(stateMachineArn);
    const { machine, runner } = found!;
    const executionNameValue = name ?? randomUUID();
    if (!executionName.test(executionNameValue)) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${executionNameValue}'`);
    }
    const inputText = input ?? '{}';
    if (Buffer.byteLength(inputText) > maxInputBytes) {
      throw new StepFunctionsError('InvalidExecutionInput', 'The input is larger than 256 KiB.');
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(inputText);
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
    this.save(record);

    const execution = runner.run(parsedInput as never, {
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: executionArn,
          Name: executionNameValue,
          Input: parsedInput as never,
          StartTime: new Date(record.startDate).toISOString(),
          RoleArn: `arn:aws:iam::${machine.arn.split(':')[4]}:role/local`,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          Object.entries(machine.tasks).map(([stateName, target]) => [stateName, this.taskHandler(target)]),
        ),
        ...(this.options.retryIntervalMs === undefined
          ? {}
          : {
              retryIntervalOverrides: Object.fromEntries(
                stateNames(machine.definition, (state) => Array.isArray(state.Retry)).map((state) => [
                  state,
                  this.options.retryIntervalMs!,
                ]),
              ),
            }),
        ...(this.options.waitMs === undefined
          ? {}
          : {
              waitTimeOverrides: Object.fromEntries(
                stateNames(machine.definition, (state) => state.Type === 'Wait').map((state) => [
                  state,
                  this.options.waitMs!,
                ]),
              ),
            }),
      },
    });
    const done = this.follow(record, execution.eventLogs, execution.result).finally(() => {
      this.running.delete(executionArn);
    });
    this.running.set(executionArn, { abort: execution.abort, done });
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

  /** Resolves when every running execution has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  /** Aborts what still runs (it is recorded as ABORTED) and waits for the records to be written. */
  async close(): Promise<void> {
    for (const run of this.running.values()) run.abort();
    await this.settled();
  }

  private readonly handlers = new Map<string, Promise<(event: unknown, context: unknown) => Promise<unknown>>>();
  /** Tasks waiting for SendTaskSuccess or SendTaskFailure, by token. */
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();

  /** Whether a token belongs to a task still waiting (SendTaskHeartbeat). */
  taskWaiting(token: string): void {
    if (!this.waiting.has(token)) throw new StepFunctionsError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  sendTaskSuccess(token: string, output: string): void {
    this.taskWaiting(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('ValidationException', 'The output is not valid JSON.');
    }
    this.waiting.get(token)!.resolve(parsed);
    this.waiting.delete(token);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.taskWaiting(token);
    const failure = new Error(cause ?? '');
    failure.name = error ?? 'TaskFailed';
    this.waiting.get(token)!.reject(failure);
    this.waiting.delete(token);
  }

  /** Invokes the function with a fresh task token in its payload, then waits for that token to be answered. */
  private callbackTask(target: TaskTarget & { function: LocalFunction }): (input: unknown) => Promise<never> {
    const invoke = this.taskHandler({ integration: 'lambda:invoke', function: target.function });
    return async (input) => {
      const token = randomUUID();
      const answered = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
      const withToken: unknown = JSON.parse(
        JSON.stringify(input).replaceAll(`"${localTaskTokenMarker}"`, JSON.stringify(token)),
      );
      try {
        await invoke(withToken);
      } catch (error) {
        this.waiting.delete(token);
        throw error;
      }
      return (await answered) as never;
    };
  }

  /** What an EventBridge PutEvents or SNS Publish Task returns, after recording what it carries. */
  private recordedTask(integration: 'events:putEvents' | 'sns:publish'): (input: unknown) => Promise<never> {
    const { eventLog } = this.options;
    return async (input) => {
      if (integration === 'sns:publish') {
        const message = input as { TopicArn: string; Message: unknown; Subject?: string };
        const published = eventLog.publish({
          topicArn: message.TopicArn,
          subject: message.Subject,
          message: typeof message.Message === 'string' ? message.Message : JSON.stringify(message.Message),
        });
        return { MessageId: published.id } as never;
      }
      const { Entries } = input as {
        Entries: { Source: string; DetailType: string; Detail: unknown; EventBusName?: string }[];
      };
      const put = Entries.map((entry) =>
        eventLog.putEvent({
          source: entry.Source,
          detailType: entry.DetailType,
          eventBusName: entry.EventBusName ?? 'default',
          detail: typeof entry.Detail === 'string' ? JSON.parse(entry.Detail) : entry.Detail,
        }),
      );
      return { Entries: put.map((event) => ({ EventId: event.id })), FailedEntryCount: 0 } as never;
    };
  }

  private taskHandler(target: TaskTarget): (input: unknown) => Promise<never> {
    if (!('function' in target)) return this.recordedTask(target.integration);
    if (target.integration === 'lambda:invoke.waitForTaskToken') return this.callbackTask(target);
    const { function: fn } = target;
    return async (input) => {
      let handler = this.handlers.get(fn.entry);
      if (!handler) {
        handler = loadHandler(this.options.projectRoot, fn.entry);
        this.handlers.set(fn.entry, handler);
      }
      const payload = target.integration === 'lambda:invoke' ? (input as { Payload?: unknown }).Payload : input;
      let timer: NodeJS.Timeout | undefined;
      let result: unknown;
      try {
        this.faults.failIfInjected(payload);
        const invoke = (await handler)(structuredClone(payload ?? null), lambdaContext(fn.name, fn.timeoutMs));
        // Lambda would kill a timed-out invocation; in-process it runs on, so say so when it ends.
        const startedAt = Date.now();
        const ended = () => {
          if (Date.now() - startedAt > fn.timeoutMs) {
            this.options.log?.(`[step functions] ${fn.name} finished after its ${fn.timeoutMs} ms timeout`);
          }
        };
        Promise.resolve(invoke).then(ended, ended);
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const timedOut = new Error(`Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`);
            timedOut.name = 'Sandbox.Timedout';
            reject(timedOut);
          }, fn.timeoutMs);
        });
        result = await Promise.race([invoke, timeout]);
      } catch (error) {
        throw lambdaError(error);
      } finally {
        clearTimeout(timer);
      }
      // What crosses Lambda's boundary is JSON.
      const output: unknown = result === undefined ? null : JSON.parse(JSON.stringify(result));
      const wrapped =
        target.integration === 'lambda:invoke'
          ? { ExecutedVersion: '$LATEST', Payload: output, SdkHttpMetadata: { HttpStatusCode: 200 }, StatusCode: 200 }
          : output;
      return wrapped as never;
    };
  }

  private async follow(
    record: ExecutionRecord,
    events: AsyncGenerator<ExecutionEvent>,
    result: Promise<unknown>,
  ): Promise<void> {
    // The result promise rejects on failure; its error is also in the event log, which is read instead.
    result.catch(() => undefined);
    const add = (type: string, timestamp: number, details: Record<string, unknown> = {}) => {
      const id = record.history.length + 1;
      record.history.push({ id, previousEventId: id - 1, timestamp, type, ...details });
    };
    const causeText = (cause: unknown) => (typeof cause === 'string' ? cause : JSON.stringify(cause ?? ''));
    for await (const event of events) {
      const state = 'state' in event ? event.state : undefined;
      switch (event.type) {
        case 'ExecutionStarted':
          add('ExecutionStarted', event.timestamp, {
            executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
          });
          break;
        case 'StateEntered':
          add(`${state!.type}StateEntered`, event.timestamp, {
            stateEnteredEventDetails: { name: state!.name, input: JSON.stringify(state!.input ?? null) },
          });
          break;
        case 'StateExited':
          add(`${state!.type}StateExited`, event.timestamp, {
            stateExitedEventDetails: { name: state!.name, output: JSON.stringify(state!.output ?? null) },
          });
          break;
        case 'StateFailed':
          add(state!.type === 'Task' ? 'TaskFailed' : `${state!.type}StateFailed`, event.timestamp, {
            [state!.type === 'Task' ? 'taskFailedEventDetails' : 'stateFailedEventDetails']: {
              ...(state!.type === 'Task' ? { resourceType: 'lambda', resource: 'invoke' } : { name: state!.name }),
              error: event.Error,
              cause: causeText(event.Cause),
            },
          });
          break;
        case 'MapIterationStarted':
        case 'MapIterationSucceeded':
        case 'MapIterationFailed': {
          add(event.type, event.timestamp, {
            [`${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`]: {
              name: event.parentState.name,
              index: event.index,
            },
          });
          break;
        }
        case 'ExecutionSucceeded':
          record.output = JSON.stringify(event.output ?? null);
          this.finish(record, 'SUCCEEDED', event.timestamp);
          add('ExecutionSucceeded', event.timestamp, {
            executionSucceededEventDetails: { output: record.output, outputDetails: { truncated: false } },
          });
          break;
        case 'ExecutionFailed':
          record.error = event.Error;
          record.cause = causeText(event.Cause);
          this.finish(record, 'FAILED', event.timestamp);
          add('ExecutionFailed', event.timestamp, {
            executionFailedEventDetails: { error: record.error, cause: record.cause },
          });
          break;
        case 'ExecutionAborted':
          this.finish(record, 'ABORTED', event.timestamp);
          add('ExecutionAborted', event.timestamp, {
            executionAbortedEventDetails: {
              ...(record.error === undefined ? {} : { error: record.error }),
              ...(record.cause === undefined ? {} : { cause: record.cause }),
            },
          });
          break;
        case 'ExecutionTimeout':
          record.error = 'States.Timeout';
          this.finish(record, 'TIMED_OUT', event.timestamp);
          add('ExecutionTimedOut', event.timestamp, { executionTimedOutEventDetails: { error: 'States.Timeout' } });
          break;
        default:
          // Retries, catches and parallel branches have no event of their own in the service's history.
          break;
      }
    }
    if (record.status === 'RUNNING') {
      // The event log ended without a terminal event: the runner itself failed.
      record.error = 'States.Runtime';
      record.cause = String(
        await result.then(
          () => 'ended without a result',
          (error: unknown) => error,
        ),
      );
      this.finish(record, 'FAILED', Date.now());
    }
    this.save(record);
  }

  private finish(record: ExecutionRecord, status: ExecutionStatus, timestamp: number): void {
    record.status = status;
    record.stopDate = timestamp;
    this.options.log?.(`[step functions] ${record.name}: ${status}${record.error ? ` (${record.error})` : ''}`);
  }

  private save(record: ExecutionRecord): void {
    const file = join(this.executionsDir, `${Buffer.from(record.executionArn).toString('base64url')}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
  }
}
