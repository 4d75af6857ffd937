import type { FunctionCatalog, LocalFunction } from '../lambda/function-catalog';
import { type LocalAwsEnvironment, type SynthesizedStack, TemplateValues } from './template-values';

export type { LocalFunction } from '../lambda/local-function';

/**
 * How a Task state reaches its function: through the optimised integration
 * (`arn:aws:states:::lambda:invoke`, whose output wraps the payload) or by the
 * function's ARN as the resource (whose output is the payload).
 */
export type TaskTarget =
  | {
      readonly integration: 'lambda:invoke' | 'lambda:invoke.waitForTaskToken' | 'function-arn';
      readonly function: LocalFunction;
    }
  /** EventBridge PutEvents and SNS Publish, recorded in the platform's event log. */
  | { readonly integration: 'events:putEvents' | 'sns:publish' };

/** Service integrations other than Lambda that the local platform records rather than runs. */
const recordedIntegrations = {
  'arn:aws:states:::events:putEvents': 'events:putEvents',
  'arn:aws:states:::sns:publish': 'sns:publish',
} as const;

// ASL is free-form JSON; only the fields read here are typed.
interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; InvocationType?: string };
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Iterator?: AslMachine;
  ItemProcessor?: AslMachine;
  Branches?: AslMachine[];
}
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

export interface LocalStateMachine {
  readonly name: string;
  readonly arn: string;
  /** The synthesized ASL with every template value resolved. */
  readonly definition: AslMachine & Record<string, unknown>;
  /** Task state name → the function it invokes; names are unique across nested machines. */
  readonly tasks: Readonly<Record<string, TaskTarget>>;
  /** Its role: whose permissions its Tasks' calls have. */
  readonly roleArn: string;
}

/** As good as no limit, yet within what a Node.js timer can wait (about 24.8 days). */
const unlimitedTaskSeconds = 2_000_000;

export class UnsupportedStateMachineError extends Error {
  override readonly name = 'UnsupportedStateMachineError';
}

/** Stands where the state's parameters ask for `$$.Task.Token`; the local service puts a token there. */
export const localTaskTokenMarker = '__LOCAL_TASK_TOKEN__';

/**
 * The local runner's context has no `$$.Task.Token`: a parameter that asks for it is
 * rewritten to the marker, which the service replaces with the token it issues.
 */
function markTaskToken(state: AslState): void {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) =>
        key.endsWith('.$') && inner === '$$.Task.Token'
          ? [key.slice(0, -2), localTaskTokenMarker]
          : [key, visit(inner)],
      ),
    );
  };
  if (state.Parameters) state.Parameters = visit(state.Parameters) as AslState['Parameters'];
}

function* statesOf(machine: AslMachine): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(machine.States)) {
    yield [name, state];
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) yield* statesOf(nested);
    }
  }
}

/**
 * The state machines of synthesized templates, ready for the local runner: each
 * `DefinitionString` resolved to plain ASL, and each Task state bound to the handler
 * module of the SchoolFunction it invokes (EventBridge and SNS Tasks to the platform's
 * event log). A Task the local platform cannot run (another
 * service integration, a callback pattern) is refused when the platform starts, not
 * when an execution reaches it.
 */
export function stateMachinesIn(
  stacks: readonly SynthesizedStack[],
  environment: LocalAwsEnvironment,
  functions: FunctionCatalog,
): LocalStateMachine[] {
  const values = new TemplateValues(stacks, environment);
  const templates = stacks.map((stack) => stack.template);
  const machines: LocalStateMachine[] = [];
  for (const template of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
      const name = values.nameOf(template, logicalId);
      const definitionString: unknown = resource.Properties?.DefinitionString;
      if (definitionString === undefined) {
        throw new UnsupportedStateMachineError(`State machine ${name} has no DefinitionString.`);
      }
      const definition = JSON.parse(
        String(values.resolve(template, definitionString)),
      ) as LocalStateMachine['definition'];
      const tasks: Record<string, TaskTarget> = {};
      for (const [stateName, state] of statesOf(definition)) {
        if (state.Type !== 'Task') continue;
        if (Object.hasOwn(tasks, stateName)) {
          throw new UnsupportedStateMachineError(`${name}: Task state names must be unique locally ("${stateName}").`);
        }
        const resourceArn = state.Resource ?? '';
        if (Object.hasOwn(recordedIntegrations, resourceArn)) {
          tasks[stateName] = { integration: recordedIntegrations[resourceArn as keyof typeof recordedIntegrations] };
          continue;
        }
        const waitsForToken = resourceArn === 'arn:aws:states:::lambda:invoke.waitForTaskToken';
        if (waitsForToken) markTaskToken(state);
        const invoke = resourceArn === 'arn:aws:states:::lambda:invoke' || waitsForToken;
        const functionArn = invoke ? state.Parameters?.FunctionName : resourceArn;
        const target = functionArn ? functions.byArn(functionArn) : undefined;
        if (!target) {
          throw new UnsupportedStateMachineError(
            `${name}: Task "${stateName}" uses ${resourceArn}${invoke ? ` on ${functionArn}` : ''}, which the local platform cannot run; ` +
              'Tasks must invoke a SchoolFunction (lambda:invoke without a callback, or the function ARN), or put events or publish to SNS.',
          );
        }
        if (invoke && state.Parameters?.InvocationType === 'Event') {
          throw new UnsupportedStateMachineError(
            `${name}: Task "${stateName}" invokes asynchronously (InvocationType Event), which the local platform does not run.`,
          );
        }
        // Step Functions sets no Task timeout by default; the local runner would stop a Task at 60 s.
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
          state.TimeoutSeconds = unlimitedTaskSeconds;
        }
        tasks[stateName] = {
          integration: waitsForToken ? 'lambda:invoke.waitForTaskToken' : invoke ? 'lambda:invoke' : 'function-arn',
          function: target,
        };
      }
      const arn = values.arnOf(template, logicalId);
      if (machines.some((machine) => machine.arn === arn)) {
        throw new UnsupportedStateMachineError(`Two state machines are named ${name}.`);
      }
      machines.push({
        name,
        arn,
        definition,
        tasks,
        roleArn: String(values.resolve(template, resource.Properties?.RoleArn)),
      });
    }
  }
  return machines;
}
