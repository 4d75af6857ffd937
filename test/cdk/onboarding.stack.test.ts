import { describe, expect, it } from 'vitest';
import { type Resource, resourcesOf } from '../support/assembly';
import { actionsWithoutResourceScope } from '../support/invariants';
import { drainSecondsAfterSwitch } from '../../lambdas/shared/directory-cache';
import { directoryCacheSecondsVariable } from '../../lambdas/shared/platform-variables';
import { loadStageConfig } from '../../lib/config';

interface AslState {
  Type: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Resource?: string;
}

/** The state machine's definition, with every template reference written as a placeholder. */
function definitionOf(machine: Resource): { StartAt: string; States: Record<string, AslState> } {
  const body = machine.Properties!.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text);
}

const statementsOf = (stack: string, rolePrefix: string) =>
  resourcesOf(stack, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(rolePrefix))
    .flatMap(
      ([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
const actionsOf = (statements: { Action: string | string[] }[]) =>
  [...new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])))].sort();

/** Every state, those inside Map and Parallel states included. */
function allStates(machine: { States: Record<string, AslState> }): [string, AslState][] {
  return Object.entries(machine.States).flatMap(([name, state]) => {
    const nested = state as AslState & {
      ItemProcessor?: { States: Record<string, AslState> };
      Iterator?: { States: Record<string, AslState> };
    };
    const inner = nested.ItemProcessor ?? nested.Iterator;
    return [[name, state] as [string, AslState], ...(inner ? allStates(inner) : [])];
  });
}

describe.each(['dev', 'prod'])('onboarding stack (%s)', (stage) => {
  const name = `campus-${stage}-onboarding`;
  const machines = resourcesOf(name, 'AWS::StepFunctions::StateMachine');
  const machineNamed = (suffix: string) =>
    machines.find(([, m]) => m.Properties!.StateMachineName === `campus-${stage}-${suffix}`)![1];
  const machine = machineNamed('onboard-school');
  const states = allStates(definitionOf(machine));

  it('has the lifecycle state machines, each standard, logged without execution data and traced', () => {
    expect(machines.map(([, m]) => m.Properties!.StateMachineName).sort()).toEqual([
      `campus-${stage}-migrate-fleet`,
      `campus-${stage}-move-school`,
      `campus-${stage}-offboard-school`,
      `campus-${stage}-onboard-school`,
    ]);
    for (const [, m] of machines) {
      expect(m.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    }
  });

  it('gives every Task of every lifecycle state machine a Retry and a Catch, Maps included', () => {
    for (const [, m] of machines) {
      const tasks = allStates(definitionOf(m)).filter(([, state]) => state.Type === 'Task');
      const unguarded = tasks.filter(([, state]) => !state.Retry?.length || !state.Catch?.length).map(([n]) => n);
      expect(unguarded).toEqual([]);
    }
  });

  it('migrates the fleet in three waves, the canary alone and the others with bounded concurrency', () => {
    const maps = allStates(definitionOf(machineNamed('migrate-fleet'))).filter(([, state]) => state.Type === 'Map');
    expect(maps.map(([n, state]) => [n, (state as { MaxConcurrency?: number }).MaxConcurrency])).toEqual([
      ['Migrate canary wave', 1],
      ['Migrate early wave', 10],
      ['Migrate remaining wave', 10],
    ]);
  });

  it('retries forward steps only on transient errors, never on every error', () => {
    for (const step of ['Reserve shard group slot', 'Register school', 'Run migrations', 'Create first admin']) {
      const retry = states.find(([n]) => n === step)![1].Retry!;
      const errors = retry.flatMap((r) => r.ErrorEquals);
      expect(errors).toContain('DatabaseResumingException');
      expect(errors).not.toContain('States.ALL');
      expect(states.find(([n]) => n === step)![1].Catch![0]!.Next).toBe('Remove admin user');
    }
  });

  it('lets the state machine role invoke its three functions, put events, publish its notices, and nothing else', () => {
    const statements = statementsOf(name, 'OnboardSchoolStateMachineRole');
    // Beyond its three functions, events and notices: only what accepts no narrower resource (logs delivery, X-Ray).
    const unscoped = actionsWithoutResourceScope.flatMap((entry) => entry.actions);
    expect(actionsOf(statements).filter((action) => !unscoped.includes(action))).toEqual([
      'events:PutEvents',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'lambda:InvokeFunction',
      'sns:Publish',
    ]);
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction')!;
    const invoked = JSON.stringify(invoke.Resource);
    for (const fn of ['DirectorySteps', 'DatabaseSteps', 'AdminUserSteps']) expect(invoked).toContain(fn);
    expect((invoke.Resource as unknown[]).length).toBe(6);
    expect(JSON.stringify(statements.find((s) => s.Action === 'events:PutEvents')!.Resource)).toContain(
      'event-bus/default',
    );
  });

  it('gives each step function only what its steps touch', () => {
    const fleet = actionsOf(statementsOf(name, 'FleetStepsRole'));
    expect(fleet.filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(fleet.some((a) => a.startsWith('cognito-idp:') || a === 'secretsmanager:CreateSecret')).toBe(false);
    expect(actionsOf(statementsOf(name, 'DirectoryStepsRole')).filter((a) => !a.startsWith('logs:'))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:GenerateDataKey',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const database = actionsOf(statementsOf(name, 'DatabaseStepsRole'));
    // The database steps find a school's database from its record: one read by key, no write.
    expect(database.filter((a) => a.startsWith('dynamodb:'))).toEqual(['dynamodb:GetItem']);
    // Offboarding removes the school's accounts; only the admin-user function creates one.
    expect(database.filter((a) => a.startsWith('cognito-idp:'))).toEqual([
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminGetUser',
    ]);
    expect(database).toEqual(expect.arrayContaining(['rds-data:ExecuteStatement', 'secretsmanager:CreateSecret']));
    const admin = actionsOf(statementsOf(name, 'AdminUserStepsRole')).filter(
      (a) => !a.startsWith('logs:') && !a.startsWith('xray:'),
    );
    expect(admin).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUser',
      'cognito-idp:AdminGetUser',
    ]);
  });

  it('tells the operator through an encrypted, TLS-only topic', () => {
    const [[, topic]] = resourcesOf(name, 'AWS::SNS::Topic') as [[string, Resource]];
    expect(topic.Properties).toMatchObject({ TopicName: `campus-${stage}-onboarding-notices` });
    expect(topic.Properties!.KmsMasterKeyId).toBeDefined();
    expect(resourcesOf(name, 'AWS::SNS::Subscription').map(([, s]) => s.Properties!.Protocol)).toEqual(['email']);
  });

  it('waits for an operator with a task token before offboarding deletes anything', () => {
    const offboard = allStates(definitionOf(machineNamed('offboard-school')));
    const names = offboard.map(([n]) => n);
    const wait = offboard.find(([n]) => n === 'Wait for approval')![1] as AslState & {
      TimeoutSeconds?: number;
      Parameters?: { Payload?: Record<string, unknown> };
    };
    expect(wait.Resource).toContain('lambda:invoke.waitForTaskToken');
    expect(wait.Parameters!.Payload!['taskToken.$']).toBe('$$.Task.Token');
    expect(wait.TimeoutSeconds).toBe(14 * 24 * 3600);
    for (const step of ['Delete users', 'Delete database, role and secret', 'Mark school deleted']) {
      expect(names.indexOf(step)).toBeGreaterThan(names.indexOf('Wait for approval'));
    }
    expect(names.indexOf('Export archive')).toBeLessThan(names.indexOf('Wait for approval'));
  });

  it('moves a school with the switch as its commit point: verify before it, wait out API caches after it', () => {
    const move = allStates(definitionOf(machineNamed('move-school')));
    const names = move.map(([n]) => n);
    const switchState = move.find(([n]) => n === 'Switch directory')![1];
    expect(switchState.Catch![0]!.Next).toBe('Drop target copy');
    expect(names.indexOf('Verify copy')).toBeLessThan(names.indexOf('Switch directory'));
    const wait = move.find(([n]) => n === 'Let directory caches expire')![1] as AslState & { Seconds?: number };
    // Derived from what the API functions of the same stage are given: every cached directory
    // read of the old record has expired and every request that began with one has ended.
    // The functions that serve routes (the integrations' authorizer reads no directory record).
    const apiFunctions = resourcesOf(`campus-${stage}-api-routes`, 'AWS::Lambda::Function')
      .map(([, fn]) => fn)
      .filter((fn) => fn.Properties!.Environment.Variables[directoryCacheSecondsVariable] !== undefined);
    expect(apiFunctions.length).toBeGreaterThan(10);
    const caches = new Set(
      apiFunctions.map((fn) => Number(fn.Properties!.Environment.Variables[directoryCacheSecondsVariable])),
    );
    const timeouts = apiFunctions.map((fn) => Number(fn.Properties!.Timeout));
    const config = loadStageConfig(stage);
    expect([...caches]).toEqual([config.api.directoryCacheSeconds]);
    expect(Math.min(...timeouts)).toBe(config.api.functionTimeoutSeconds);
    expect(wait.Seconds).toBe(
      drainSecondsAfterSwitch({
        directoryCacheSeconds: config.api.directoryCacheSeconds,
        longestRequestSeconds: Math.max(...timeouts),
      }),
    );
    expect(wait.Seconds).toBeGreaterThan(config.api.directoryCacheSeconds + Math.max(...timeouts));
    const drop = move.find(([n]) => n === 'Drop source')![1];
    expect(drop.Catch![0]!.Next).toBe('Move incomplete');
  });
});
