import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ScoringRuns } from '../../lambdas/shared/scoring-runs';
import { scoringRunsTable, tenantDirectoryTable } from '../../lambdas/shared/tables';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { loadStageConfig, servingRegion, stagePrefix } from '../../lib/config';
import { executionHistory, stateMachineArnNamed } from '../../lambdas/shared/state-machine-executions';
import { projectRoot } from '../../lib/project';

/** Where a workflow command runs: the local platform (`npm start`), or a deployed stage. */
export interface WorkflowTarget {
  readonly client: SFNClient;
  /** The stage's tenant directory (to find a pending approval). */
  readonly directory: TenantDirectory;
  /** The stage's scoring runs (to follow a run's progress). */
  readonly scoringRuns: ScoringRuns;
  /** `local`, or the stage's name. */
  readonly stage: string;
  /**
   * The newest invitation the local platform would have e-mailed to an address (its
   * one-time password), from the outbox its endpoints file names; undefined on a stage,
   * where Cognito e-mails it.
   */
  readonly localInvitation?: (email: string) => { temporaryPassword: string } | undefined;
}

/** The options every workflow command takes: `--stage NAME` for a deployed stage. */
export const targetOptions = { stage: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/**
 * The Step Functions client for the target: a deployed stage's region with the default
 * credential chain, or the endpoint the running local platform wrote to its state
 * directory (`CAMPUS_STATE_DIR`, `.local/` by default).
 */
export function workflowTarget(stage: string | undefined): WorkflowTarget {
  if (stage) {
    const config = loadStageConfig(stage);
    const region = servingRegion(config);
    const dynamodb = new DynamoDBClient({ region });
    return {
      client: new SFNClient({ region }),
      ...platformTables(dynamodb, config.name),
      stage: config.name,
    };
  }
  const stateDir = process.env.CAMPUS_STATE_DIR ?? join(projectRoot, '.local');
  const endpointsFile = join(stateDir, 'endpoints.json');
  if (!existsSync(endpointsFile)) {
    throw new Error(
      `The local platform is not running (no ${endpointsFile}): start it with \`npm start\`, or pass --stage NAME.`,
    );
  }
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as {
    stepFunctions: string;
    dynamodb: string;
    region: string;
    /** One JSON object a line: `{ to, temporaryPassword, time }`. */
    invitations: string;
  };
  const key = JSON.parse(readFileSync(join(stateDir, 'access-key.json'), 'utf8')) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  return {
    client: new SFNClient({ endpoint: endpoints.stepFunctions, region: endpoints.region, credentials: key }),
    ...platformTables(
      new DynamoDBClient({ endpoint: endpoints.dynamodb, region: endpoints.region, credentials: key }),
      'local',
    ),
    stage: 'local',
    localInvitation: (email) =>
      existsSync(endpoints.invitations)
        ? readFileSync(endpoints.invitations, 'utf8')
            .split('\n')
            .filter((line) => line.trim())
            .map((line) => JSON.parse(line) as { to: string; temporaryPassword: string })
            .filter((invitation) => invitation.to === email.toLowerCase())
            .at(-1)
        : undefined,
  };
}

function platformTables(client: DynamoDBClient, stage: string) {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const name = (logicalName: string) => `${stagePrefix({ name: stage })}-${logicalName}`;
  return {
    directory: new TenantDirectory(name(tenantDirectoryTable.logicalName), documents),
    scoringRuns: new ScoringRuns(name(scoringRunsTable.logicalName), documents),
  };
}

/** The state machine `campus-<stage>-<workflow>`'s ARN. */
export async function stateMachineArnOf(target: WorkflowTarget, workflow: string): Promise<string> {
  const name = `${stagePrefix({ name: target.stage })}-${workflow}`;
  const arn = await stateMachineArnNamed(target.client, name);
  if (!arn) throw new Error(`There is no state machine ${name} on ${target.stage}.`);
  return arn;
}

const seconds = (from: Date | undefined, to: Date | undefined) =>
  from && to ? `${((to.getTime() - from.getTime()) / 1000).toFixed(2)} s` : '';

/**
 * Starts an execution and prints its progress state by state (with each state's time and
 * any error it met) until it ends; returns how it ended.
 */
export async function startAndFollow(
  target: WorkflowTarget,
  workflow: string,
  input: unknown,
  name: string,
  print: (line: string) => void = console.log,
  /** Stop following once this state is entered (the run goes on). */
  until?: string,
): Promise<DescribeExecutionCommandOutput> {
  const stateMachineArn = await stateMachineArnOf(target, workflow);
  const { executionArn } = await target.client.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  print(`started ${executionArn}`);
  const seen = new Set<number>();
  const entered = new Map<string, Date>();
  for (;;) {
    const execution = await target.client.send(new DescribeExecutionCommand({ executionArn }));
    const events = await executionHistory(target.client, executionArn!);
    for (const event of events) {
      if (seen.has(event.id!)) continue;
      seen.add(event.id!);
      const stateName = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
      if (event.type?.endsWith('StateEntered')) {
        entered.set(stateName!, event.timestamp!);
        if (stateName === until) {
          print(`  … ${stateName}`);
          return execution;
        }
      }
      if (event.type?.endsWith('StateExited'))
        print(`  • ${stateName}  ${seconds(entered.get(stateName!), event.timestamp)}`);
      if (event.type === 'TaskFailed') {
        const { error, cause } = event.taskFailedEventDetails!;
        print(`    ! ${error}: ${taskErrorMessage(cause)}`);
      }
    }
    if (execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
