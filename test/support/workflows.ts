import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DataApiSession } from '../../lambdas/shared/data-api';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { type SchoolRecord, schoolStatuses, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import type { Platform } from '../../local/platform';

/** A finished execution with its history, as an operator's tools would read it. */
export interface FinishedExecution {
  readonly executionArn: string;
  readonly status: DescribeExecutionCommandOutput['status'];
  readonly output: Record<string, unknown> | undefined;
  readonly error: string | undefined;
  /** The error's own message (the Lambda error's `errorMessage`, or the plain cause). */
  readonly message: string | undefined;
  readonly history: HistoryEvent[];
  /** States entered, in order. */
  readonly states: string[];
}

const client = () => new SFNClient({});

export async function stateMachineArn(name: string): Promise<string> {
  const { stateMachines } = await client().send(new ListStateMachinesCommand({}));
  const machine = stateMachines?.find((candidate) => candidate.name === name);
  if (!machine) throw new Error(`No state machine ${name}.`);
  return machine.stateMachineArn!;
}

/** Starts an execution through the Step Functions API and waits for it to end. */
export async function runExecution(machineName: string, input: unknown, name?: string): Promise<FinishedExecution> {
  const sfn = client();
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: await stateMachineArn(machineName),
      input: JSON.stringify(input),
      ...(name ? { name } : {}),
    }),
  );
  let execution: DescribeExecutionCommandOutput;
  for (;;) {
    execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const history: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    history.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  let message = execution.cause;
  try {
    message = (JSON.parse(execution.cause ?? '') as { errorMessage?: string }).errorMessage ?? message;
  } catch {
    // A plain-text cause.
  }
  return {
    executionArn: executionArn!,
    status: execution.status,
    output: execution.output ? (JSON.parse(execution.output) as Record<string, unknown>) : undefined,
    error: execution.error,
    message,
    history,
    states: history
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails!.name!),
  };
}

/** The school id an onboarding execution gave the school (from its validation step's output). */
export function schoolIdOf(execution: FinishedExecution): string | undefined {
  const validated = execution.history.find(
    (event) => event.type === 'TaskStateExited' && event.stateExitedEventDetails?.name === 'Validate request',
  );
  return validated
    ? (JSON.parse(validated.stateExitedEventDetails!.output!) as { schoolId: string }).schoolId
    : undefined;
}

/** Every school in the directory, any status. */
export async function allSchools(): Promise<SchoolRecord[]> {
  const directory = new TenantDirectory();
  const schools: SchoolRecord[] = [];
  for (const status of schoolStatuses) {
    let after: string | undefined;
    do {
      const page = await directory.listSchools(status, { limit: 100, ...(after ? { after } : {}) });
      schools.push(...page.items);
      after = page.nextAfter ?? undefined;
    } while (after);
  }
  return schools;
}

/**
 * What onboarding leaves behind that no live school owns: databases and roles in any
 * shard group, school secrets, users of a school, and shard group slots, each checked
 * against the ACTIVE schools in the directory. Empty when nothing is half-made.
 */
export async function orphans(platform: Platform): Promise<string[]> {
  const live = new Set((await allSchools()).filter((s) => s.status === 'ACTIVE').map((s) => s.schoolId));
  const found: string[] = [];
  for (const group of platform.shardGroups) {
    const master = new DataApiSession({
      resourceArn: group.resourceArn,
      secretArn: group.masterSecretArn,
      database: 'postgres',
    });
    const databases = await master.query<{ name: string }>(
      "SELECT datname AS name FROM pg_database WHERE datname LIKE 'school\\_%'",
    );
    const roles = await master.query<{ name: string }>(
      "SELECT rolname AS name FROM pg_roles WHERE rolname LIKE 'school\\_%'",
    );
    for (const { name } of [...databases, ...roles]) {
      if (!live.has(name.replace(/^school_/, ''))) found.push(`${group.id}: ${name}`);
    }
    const slots = await new ShardGroupSlots().group(group.id);
    for (const schoolId of slots.schools) if (!live.has(schoolId)) found.push(`${group.id} slot: ${schoolId}`);
    if (slots.schoolCount !== slots.schools.length) {
      found.push(`${group.id}: count ${slots.schoolCount} for ${slots.schools.length} schools`);
    }
  }
  for (const arn of platform.secrets.arns()) {
    const schoolId = /:secret:campus-local\/schools\/([a-z0-9]+)-/.exec(arn)?.[1];
    if (schoolId && !live.has(schoolId)) found.push(`secret: ${arn}`);
  }
  for (const user of platform.issuer.users.list()) {
    if (user.schoolId && !live.has(user.schoolId)) found.push(`user: ${user.username}`);
  }
  return found;
}
