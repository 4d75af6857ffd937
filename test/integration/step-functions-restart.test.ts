import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { executionHistory, stateMachineArnNamed } from '../../lambdas/shared/state-machine-executions';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { type Platform, startPlatform } from '../../local/platform';
import { schoolFixture } from '../support/school-fixture';
import { until } from '../support/until';

const stateDir = mkdtempSync(join(tmpdir(), 'campus-sfn-restart-'));
const start = () => startPlatform({ stateDir, port: 0, fastAndUnsafe: true, stepFunctionsRetryIntervalMs: 1 });
let platform: Platform | undefined;
afterAll(async () => {
  await platform?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** The directory as this process reads it, with a client of the running platform (not the one before the restart). */
const directory = () => new TenantDirectory(undefined, DynamoDBDocumentClient.from(new DynamoDBClient({})));

describe('the local Step Functions across a restart of the platform', () => {
  it('keeps an offboarding that waits for approval waiting, and the approval given after the restart finishes it', async () => {
    platform = await start();
    const { school } = await schoolFixture(platform, 'restarting');
    const sfn = () => new SFNClient({ endpoint: platform!.stepFunctions.url });
    const machine = (await stateMachineArnNamed(sfn(), 'campus-local-offboard-school'))!;
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: machine,
        name: 'offboard-restarting',
        input: JSON.stringify({ slug: 'restarting', reason: 'moving to another system' }),
      }),
    );
    const pending = await until(
      async () => (await directory().getSchool(school.schoolId))?.pendingApproval ?? undefined,
      'the approval request',
    );
    const before = await executionHistory(sfn(), executionArn!);

    await platform.stop();
    platform = await start();

    // As it was: running, waiting at the approval, its history as far as it got and no further.
    const waiting = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    expect(waiting.status).toBe('RUNNING');
    const after = await executionHistory(sfn(), executionArn!);
    expect(after.map((event) => event.type)).toEqual(before.map((event) => event.type));
    expect(after.at(-1)).toMatchObject({
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'Wait for approval' },
    });

    // The token given out before the restart answers it.
    await sfn().send(
      new SendTaskSuccessCommand({
        taskToken: pending.taskToken,
        output: JSON.stringify({ approvedBy: 'operator@campus.local', approvedAt: new Date().toISOString() }),
      }),
    );
    const finished = await until(async () => {
      const execution = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === 'RUNNING' ? undefined : execution;
    }, 'the offboarding to finish');
    expect(finished.status).toBe('SUCCEEDED');
    expect(await directory().getSchool(school.schoolId)).toMatchObject({ status: 'DELETED' });
    // One history, continued: the wait entered once and left once, the start once.
    const history = await executionHistory(sfn(), executionArn!);
    const named = (type: string) =>
      history.filter(
        (event) =>
          event.type === type &&
          (event.stateEnteredEventDetails ?? event.stateExitedEventDetails)?.name === 'Wait for approval',
      ).length;
    expect([named('TaskStateEntered'), named('TaskStateExited')]).toEqual([1, 1]);
    expect(history.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
    expect(history.map((event) => Number(event.id))).toEqual(history.map((_, i) => i + 1));
  });

  it('aborts, on the next start, an execution that was running a function when the platform stopped', async () => {
    const sfn = new SFNClient({ endpoint: platform!.stepFunctions.url });
    const machine = (await stateMachineArnNamed(sfn, 'campus-local-onboard-school'))!;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine,
        input: JSON.stringify({
          name: 'Cut Short',
          slug: 'cut-short',
          country: 'PT',
          timezone: 'Europe/Lisbon',
          currency: 'EUR',
          locale: 'pt-PT',
          admin: { name: 'A', email: 'a@cut-short.example' },
          plan: 'standard',
        }),
      }),
    );
    await platform!.stop();
    platform = await start();
    const execution = await new SFNClient({ endpoint: platform.stepFunctions.url }).send(
      new DescribeExecutionCommand({ executionArn }),
    );
    expect(execution).toMatchObject({ status: 'ABORTED', error: 'States.Runtime' });
  });
});
