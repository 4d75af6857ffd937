import { type DescribeExecutionCommandOutput, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { masterSession } from '../../lambdas/onboarding/school-provisioning';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { type SchoolRecord, schoolStatuses, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import type { Platform } from '../../local/platform';
import {
  executionHistory,
  runExecutionToEnd,
  stateMachineArnNamed,
} from '../../lambdas/shared/state-machine-executions';

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
  const arn = await stateMachineArnNamed(client(), name);
  if (!arn) throw new Error(`No state machine ${name}.`);
  return arn;
}

/** Starts an execution through the Step Functions API and waits for it to end. */
export async function runExecution(machineName: string, input: unknown, name?: string): Promise<FinishedExecution> {
  const sfn = client();
  const execution = await runExecutionToEnd(sfn, machineName, input, name ? { name } : {});
  const { executionArn } = execution;
  const history = await executionHistory(sfn, executionArn);
  const message = taskErrorMessage(execution.cause);
  return {
    executionArn,
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
    const master = masterSession(group);
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
