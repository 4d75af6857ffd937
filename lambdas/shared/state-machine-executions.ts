import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

/**
 * Executions through the Step Functions API, the local endpoint's or AWS's alike: an
 * execution's history (the operators' onboarding runs read it), and running one to its end
 * (the demo school, the workflow commands, the benchmarks and the tests).
 */

/** An execution's whole history, oldest first (GetExecutionHistory, every page). */
export async function executionHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A state machine's ARN, found by name (ListStateMachines, every page). */
export async function stateMachineArnNamed(client: SFNClient, name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ nextToken }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

/** Starts an execution of the named state machine and waits until it is no longer RUNNING. */
export async function runExecutionToEnd(
  client: SFNClient,
  machineName: string,
  input: unknown,
  options: { name?: string; pollMs?: number } = {},
): Promise<DescribeExecutionCommandOutput & { executionArn: string }> {
  const stateMachineArn = await stateMachineArnNamed(client, machineName);
  if (!stateMachineArn) throw new Error(`There is no state machine ${machineName}.`);
  const { executionArn } = await client.send(
    new StartExecutionCommand({
      stateMachineArn,
      input: JSON.stringify(input),
      ...(options.name ? { name: options.name } : {}),
    }),
  );
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return { ...execution, executionArn: executionArn! };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}

/** Runs an execution to its end and returns it if it SUCCEEDED; otherwise throws, naming how it ended. */
export async function runExecutionToSuccess(
  client: SFNClient,
  machineName: string,
  input: unknown,
  options: { name?: string; pollMs?: number; what?: string } = {},
): Promise<DescribeExecutionCommandOutput & { executionArn: string }> {
  const execution = await runExecutionToEnd(client, machineName, input, options);
  if (execution.status !== 'SUCCEEDED') {
    throw new Error(
      `${options.what ?? machineName} ended ${execution.status}: ${execution.error} ${execution.cause ?? ''}`,
    );
  }
  return execution;
}
