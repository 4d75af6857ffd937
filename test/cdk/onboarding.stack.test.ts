import { describe, expect, it } from 'vitest';
import { type Resource, resourcesOf } from '../support/assembly';
import { actionsWithoutResourceScope } from '../support/invariants';

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

describe.each(['dev', 'prod'])('onboarding stack (%s)', (stage) => {
  const name = `campus-${stage}-onboarding`;
  const [[, machine]] = resourcesOf(name, 'AWS::StepFunctions::StateMachine') as [[string, Resource]];
  const states = Object.entries(definitionOf(machine).States);

  it('has one standard state machine, named for the stage, logged without execution data and traced', () => {
    expect(machine.Properties).toMatchObject({
      StateMachineName: `campus-${stage}-onboard-school`,
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('gives every Task a Retry and a Catch', () => {
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(18);
    const unguarded = tasks.filter(([, state]) => !state.Retry?.length || !state.Catch?.length).map(([n]) => n);
    expect(unguarded).toEqual([]);
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
    expect(database.some((a) => a.startsWith('dynamodb:') || a.startsWith('cognito-idp:'))).toBe(false);
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
});
