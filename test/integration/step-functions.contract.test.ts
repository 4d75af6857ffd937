import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project';
import { localStage } from '../../local/local-stage';
import { LocalEventLog } from '../../local/events/event-log';
import { type LocalStepFunctions, startStepFunctions } from '../../local/step-functions/local-step-functions';
import { GreetingWorkflowStack } from '../fixtures/workflows/greeting-workflow.stack';

const stateDir = mkdtempSync(join(tmpdir(), 'campus-sfn-contract-'));
const start = (port = 0) =>
  startStepFunctions({
    stateDir,
    projectRoot,
    port,
    accountId: '000000000000',
    region: 'eu-west-1',
    retryIntervalMs: 10,
    eventLog: new LocalEventLog(join(stateDir, 'events.jsonl')),
    workflowStacks: (app) =>
      new GreetingWorkflowStack(app, 'greeting', { config: localStage, env: { region: 'eu-west-1' } }),
  });

let local: LocalStepFunctions;
let client: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  local = await start();
  client = new SFNClient({
    endpoint: local.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const machines = await client.send(new ListStateMachinesCommand({}));
  stateMachineArn = machines.stateMachines![0]!.stateMachineArn!;
});
afterAll(async () => local?.close());

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(input: unknown, name?: string) {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  return finished(executionArn!);
}

describe('local Step Functions endpoint (the synthesized ASL on aws-local-stepfunctions)', () => {
  it('lists the state machine of the synthesized stack under its physical name', () => {
    expect(stateMachineArn).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:campus-local-greeting');
  });

  it('gives Tasks no time limit of their own, as Step Functions does (the function timeout still applies)', async () => {
    const { definition } = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const states = JSON.parse(definition!).States;
    expect(states['Greet visitor'].TimeoutSeconds).toBeGreaterThan(24 * 3600);
  });

  it('runs an execution to SUCCEEDED through the Lambda integration and a Map over function ARNs', async () => {
    const execution = await run({ name: 'Ada', items: [1, 2, 3] }, 'ada');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.startDate).toBeInstanceOf(Date);
    expect(execution.stopDate!.getTime()).toBeGreaterThanOrEqual(execution.startDate!.getTime());
    expect(JSON.parse(execution.output!)).toEqual({
      name: 'Ada',
      items: [1, 2, 3],
      result: { greeting: 'Hello, Ada' },
      squares: [1, 4, 9],
    });
  });

  it('reports a failed execution with the Lambda error type as error and its message in the cause', async () => {
    const execution = await run({ name: 'nobody', items: [] });
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('UnknownVisitorError');
    expect(JSON.parse(execution.cause!)).toMatchObject({
      errorType: 'UnknownVisitorError',
      errorMessage: 'No visitor called nobody.',
    });
  });

  it('retries a Task on the errors its Retry names, then succeeds', async () => {
    const execution = await run({ name: 'Grace', failTimes: 2, items: [] });
    expect(execution.status).toBe('SUCCEEDED');
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn! }));
    expect(history.events!.filter((event) => event.type === 'TaskFailed')).toHaveLength(2);
  });

  it('fails once the retries are spent, with the last error', async () => {
    const execution = await run({ name: 'Linus', failTimes: 5, items: [] });
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('TransientError');
  });

  it('gives a history from ExecutionStarted to ExecutionSucceeded with each state entered and exited', async () => {
    const execution = await run({ name: 'Alan', items: [2] });
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn! }));
    const types = events!.map((event) => event.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    expect(types).toEqual(
      expect.arrayContaining(['TaskStateEntered', 'TaskStateExited', 'MapStateEntered', 'MapIterationStarted']),
    );
    expect(events!.map((event) => event.id)).toEqual(events!.map((_, index) => index + 1));
    const entered = events!.find((event) => event.type === 'TaskStateEntered')!;
    expect(entered.stateEnteredEventDetails?.name).toBe('Greet visitor');
    const reversed = await client.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn!, reverseOrder: true, maxResults: 1 }),
    );
    expect(reversed.events![0]!.type).toBe('ExecutionSucceeded');
    expect(reversed.nextToken).toBeDefined();
  });

  it('returns the running execution when started again with the same name and input, and refuses other reuse', async () => {
    const input = JSON.stringify({ name: 'Edsger', sleepMs: 300, items: [] });
    const first = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'edsger', input }));
    const again = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'edsger', input }));
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'edsger', input: '{"name":"other"}' })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await finished(first.executionArn!);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'edsger', input })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('lists executions newest first, filtered by status', async () => {
    const failed = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'FAILED' }));
    expect(failed.executions!.length).toBeGreaterThanOrEqual(2);
    expect(failed.executions!.every((execution) => execution.status === 'FAILED')).toBe(true);
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    const starts = all.executions!.map((execution) => execution.startDate!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('answers with the service exception names', async () => {
    const unknownMachine = stateMachineArn.replace('greeting', 'nothing');
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: unknownMachine }))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:missing`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toMatchObject({
      name: 'InvalidArn',
    });
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, input: '{not json' }))).rejects.toMatchObject(
      {
        name: 'InvalidExecutionInput',
      },
    );
    await expect(client.send(new StartExecutionCommand({ stateMachineArn, name: 'has space' }))).rejects.toMatchObject({
      name: 'InvalidName',
    });
  });

  it('keeps executions across a restart', async () => {
    const execution = await run({ name: 'Barbara', items: [] }, 'barbara');
    await local.close();
    local = await start();
    client = new SFNClient({
      endpoint: local.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const again = await client.send(new DescribeExecutionCommand({ executionArn: execution.executionArn! }));
    expect(again.status).toBe('SUCCEEDED');
    expect(again.output).toBe(execution.output);
  });
});
