import { randomUUID } from 'node:crypto';
import type { LocalEventLog } from '../events/event-log';
import type { FunctionHost } from '../lambda/function-host';
import { FaultInjector } from './fault-injection';
import { type LocalFunction, localTaskTokenMarker, type TaskTarget } from './state-machine-catalog';
import { StepFunctionsError } from './step-functions-errors';

/** What a Task state's local handler is: the runner calls it with the state's effective input. */
export type TaskHandler = (input: unknown) => Promise<never>;

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

export interface TaskIntegrationsOptions {
  /** Runs the functions Tasks invoke, each in its own execution environment. */
  readonly functions: FunctionHost;
  /** Where EventBridge and SNS Tasks send what they carry. */
  readonly eventLog: LocalEventLog;
  readonly log?: (line: string) => void;
}

/** Told of a callback Task's token as it starts waiting (the execution's journal keeps it). */
export type OnWaiting = (token: string) => void;

/**
 * How the local Step Functions performs Task states: a Lambda invoke (optimised integration,
 * by function ARN, or with a callback task token) runs the function in its own execution
 * environment (`FunctionHost`), with its timeout; EventBridge PutEvents and SNS Publish are
 * recorded in the platform's event log. Tokens of callback Tasks wait here for
 * SendTaskSuccess or SendTaskFailure.
 */
export class TaskIntegrations {
  /** Faults Task invocations fail with, for tests of Retry, Catch and compensation. */
  readonly faults = new FaultInjector();
  /** Tasks waiting for SendTaskSuccess or SendTaskFailure, by token. */
  private readonly waiting = new Map<string, { resolve: (output: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly options: TaskIntegrationsOptions) {}

  /** The local handler of a Task state, for its target. */
  handlerFor(target: TaskTarget, onWaiting: OnWaiting): TaskHandler {
    if (!('function' in target)) return this.recordedTask(target.integration);
    if (target.integration === 'lambda:invoke.waitForTaskToken') return this.callbackTask(target, onWaiting);
    return this.invokeTask(target.function, target.integration);
  }

  /** A callback Task that resumes after a restart: it waits for the token it already gave out. */
  resumedCallback(target: TaskTarget, token: string, onWaiting: OnWaiting): TaskHandler {
    let resumed = false;
    const again = this.handlerFor(target, onWaiting);
    return async (input) => {
      if (resumed) return again(input);
      resumed = true;
      return (await this.answerTo(token)) as never;
    };
  }

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

  private answerTo(token: string): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }

  /** Invokes the function with a fresh task token in its payload, then waits for that token to be answered. */
  private callbackTask(target: TaskTarget & { function: LocalFunction }, onWaiting: OnWaiting): TaskHandler {
    const invoke = this.invokeTask(target.function, 'lambda:invoke');
    return async (input) => {
      const token = randomUUID();
      const answered = this.answerTo(token);
      const withToken: unknown = JSON.parse(
        JSON.stringify(input).replaceAll(`"${localTaskTokenMarker}"`, JSON.stringify(token)),
      );
      onWaiting(token);
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
  private recordedTask(integration: 'events:putEvents' | 'sns:publish'): TaskHandler {
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
          detail: typeof entry.Detail === 'string' ? (JSON.parse(entry.Detail) as unknown) : entry.Detail,
        }),
      );
      return { Entries: put.map((event) => ({ EventId: event.id })), FailedEntryCount: 0 } as never;
    };
  }

  private invokeTask(fn: LocalFunction, integration: 'lambda:invoke' | 'function-arn'): TaskHandler {
    return async (input) => {
      const payload = integration === 'lambda:invoke' ? (input as { Payload?: unknown }).Payload : input;
      let output: unknown;
      try {
        this.faults.failIfInjected(payload);
        output = await this.options.functions.invoke(fn, payload ?? null);
      } catch (error) {
        throw lambdaError(error);
      }
      const wrapped =
        integration === 'lambda:invoke'
          ? { ExecutedVersion: '$LATEST', Payload: output, SdkHttpMetadata: { HttpStatusCode: 200 }, StatusCode: 200 }
          : output;
      return wrapped as never;
    };
  }
}
