import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { executionHistory } from '../../shared/state-machine-executions';
import { invalid, notFound } from '../../shared/http';
import { taskErrorMessage } from '../../shared/task-failure';
import type { OnboardingRun, OnboardingRunDetail } from './onboarding-runs.schemas';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/** The onboarding runs, newest first, a page at a time (the Step Functions token is the cursor). */
export async function onboardingRuns(
  sfn: SFNClient,
  stateMachineArn: string,
  query: { status?: OnboardingRun['status'] | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: OnboardingRun[]; nextCursor: string | null }> {
  try {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn,
        maxResults: query.limit,
        ...(query.status ? { statusFilter: query.status } : {}),
        ...(query.cursor ? { nextToken: query.cursor } : {}),
      }),
    );
    return {
      items: (page.executions ?? []).map((execution) => ({
        name: execution.name!,
        status: execution.status as OnboardingRun['status'],
        startedAt: iso(execution.startDate)!,
        stoppedAt: iso(execution.stopDate),
      })),
      nextCursor: page.nextToken ?? null,
    };
  } catch (error) {
    if (query.cursor && (error as Error).name === 'InvalidToken') {
      throw invalid([{ path: 'query.cursor', message: 'is not a cursor this list gave out' }]);
    }
    throw error;
  }
}

/** The states a run went through, from its history: entered, and left or failed. */
export function stepsOf(history: readonly HistoryEvent[]): OnboardingRunDetail['steps'] {
  const steps: OnboardingRunDetail['steps'] = [];
  const open = new Map<string, number>();
  for (const event of history) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      const name = event.stateEnteredEventDetails.name;
      open.set(name, steps.length);
      steps.push({ name, status: 'running', startedAt: iso(event.timestamp)!, endedAt: null });
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const index = open.get(event.stateExitedEventDetails.name);
      if (index !== undefined) steps[index] = { ...steps[index]!, status: 'succeeded', endedAt: iso(event.timestamp) };
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
      for (const [, index] of open) {
        if (steps[index]!.status === 'running') {
          steps[index] = { ...steps[index]!, status: 'failed', endedAt: iso(event.timestamp) };
        }
      }
    }
  }
  return steps;
}

/**
 * One run: the school it onboards (slug and name from its input, the school id from its
 * output; never the admin's e-mail), its steps so far and, if it failed, why.
 */
export async function onboardingRun(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
): Promise<OnboardingRunDetail> {
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  let execution;
  try {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist') {
      throw notFound('The onboarding run');
    }
    throw error;
  }
  const parse = (text: string | undefined) => {
    try {
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const input = parse(execution.input);
  const output = parse(execution.output);
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    name,
    status: execution.status as OnboardingRunDetail['status'],
    startedAt: iso(execution.startDate)!,
    stoppedAt: iso(execution.stopDate),
    school: { slug: text(input.slug), name: text(input.name), schoolId: text(output.schoolId) },
    steps: stepsOf(await executionHistory(sfn, executionArn)),
    error: execution.error ? `${execution.error}: ${taskErrorMessage(execution.cause)}` : null,
  };
}
