import type { StateMachine } from 'aws-local-stepfunctions';
import type { Ending, ExecutionRecord, HistoryEvent } from './execution-journal';

/** What the local runner emits as an execution runs. */
export type RunnerEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface HistoryHooks {
  /** Each history event, as it is added (the journal keeps it). */
  readonly added: (event: HistoryEvent) => void;
  /** The execution's end, once. */
  readonly ended: (ending: Ending) => void;
}

export interface Resumption {
  /** The state the execution resumes at: its entry is in the history already. */
  readonly state: string;
}

const causeText = (cause: unknown) => (typeof cause === 'string' ? cause : JSON.stringify(cause ?? ''));

/**
 * Turns the local runner's events into the execution's history as GetExecutionHistory
 * returns it (TaskStateEntered, TaskFailed, MapIterationStarted…), and its status at the end.
 * A resumed execution goes on from its history: the runner's start and the resumed state's
 * entry are not added again.
 */
export async function followExecution(
  record: ExecutionRecord,
  events: AsyncGenerator<RunnerEvent>,
  result: Promise<unknown>,
  hooks: HistoryHooks,
  resuming?: Resumption,
): Promise<void> {
  // The result promise rejects on failure; its error is also in the event log, which is read instead.
  result.catch(() => undefined);
  let skipEntry = resuming?.state;
  const add = (type: string, timestamp: number, details: Record<string, unknown> = {}) => {
    const id = record.history.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp, type, ...details };
    record.history.push(event);
    hooks.added(event);
  };
  const end = (ending: Ending) => {
    Object.assign(record, ending);
    hooks.ended(ending);
  };
  for await (const event of events) {
    const state = 'state' in event ? event.state : undefined;
    switch (event.type) {
      case 'ExecutionStarted':
        if (resuming) break;
        add('ExecutionStarted', event.timestamp, {
          executionStartedEventDetails: { input: record.input, inputDetails: { truncated: false } },
        });
        break;
      case 'StateEntered':
        if (state!.name === skipEntry) {
          skipEntry = undefined;
          break;
        }
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
      case 'MapIterationFailed':
        add(event.type, event.timestamp, {
          [`${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`]: {
            name: event.parentState.name,
            index: event.index,
          },
        });
        break;
      case 'ExecutionSucceeded': {
        const output = JSON.stringify(event.output ?? null);
        end({ status: 'SUCCEEDED', stopDate: event.timestamp, output });
        add('ExecutionSucceeded', event.timestamp, {
          executionSucceededEventDetails: { output, outputDetails: { truncated: false } },
        });
        break;
      }
      case 'ExecutionFailed': {
        const failure = { error: event.Error, cause: causeText(event.Cause) };
        end({ status: 'FAILED', stopDate: event.timestamp, ...failure });
        add('ExecutionFailed', event.timestamp, { executionFailedEventDetails: failure });
        break;
      }
      case 'ExecutionAborted': {
        const reason = {
          ...(record.error === undefined ? {} : { error: record.error }),
          ...(record.cause === undefined ? {} : { cause: record.cause }),
        };
        end({ status: 'ABORTED', stopDate: event.timestamp, ...reason });
        add('ExecutionAborted', event.timestamp, { executionAbortedEventDetails: reason });
        break;
      }
      case 'ExecutionTimeout':
        end({ status: 'TIMED_OUT', stopDate: event.timestamp, error: 'States.Timeout' });
        add('ExecutionTimedOut', event.timestamp, { executionTimedOutEventDetails: { error: 'States.Timeout' } });
        break;
      default:
        // Retries, catches and parallel branches have no event of their own in the service's history.
        break;
    }
  }
  if (record.status === 'RUNNING') {
    // The event log ended without a terminal event: the runner itself failed.
    const cause = String(
      await result.then(
        () => 'ended without a result',
        (error: unknown) => error,
      ),
    );
    end({ status: 'FAILED', stopDate: Date.now(), error: 'States.Runtime', cause });
  }
}
