import { lambdaHandler } from './lambda-handler';
import { logger } from './observability';
import { injectFaultVariable } from './platform-variables';
import { readRuntime } from './runtime';

/** What a Task of the state machines sends its function: the step to run, and its input. */
export interface StepEvent {
  readonly step: string;
  readonly [input: string]: unknown;
}

/** What it returns becomes the Task's output (a promise is awaited). */
export type StepRunner = (event: StepEvent) => unknown;

// Per step and school: a fault with `times` fails that many attempts, then lets the step run.
const injected = new Map<string, number>();

/** Test fault injection, honoured on the local platform only (see `injectFaultVariable`). */
function injectFault(step: string, schoolId: string | undefined): void {
  const setting = process.env[injectFaultVariable];
  if (!setting || readRuntime().stage !== 'local') return;
  const [target, errorName = 'InjectedFault', times] = setting.split(':');
  const [targetStep, targetSchool] = (target ?? '').split('@');
  if (targetStep !== step || (targetSchool && targetSchool !== schoolId)) return;
  const key = `${step}/${schoolId ?? ''}`;
  const count = (injected.get(key) ?? 0) + 1;
  injected.set(key, count);
  if (times !== undefined && count > Number(times)) return;
  const fault = new Error(`Fault injected into ${step} (attempt ${count}).`);
  fault.name = errorName;
  throw fault;
}

/** The school a step works on, wherever its input carries it. */
function schoolIdIn(event: StepEvent): string | undefined {
  if (typeof event.schoolId === 'string') return event.schoolId;
  type Carrier = { schoolId?: unknown; school?: { schoolId?: unknown } } | undefined;
  for (const key of ['state', 'school']) {
    const value = event[key] as Carrier;
    const id = value?.schoolId ?? value?.school?.schoolId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/**
 * A function that runs some steps of the state machines (grouped by the permissions
 * they need; see `lambdaHandler`): logs carry the step and school id, never an admin's
 * personal data; a step's error reaches the state machine by its name, for Retry and Catch.
 */
export function stepHandler(runners: Readonly<Record<string, StepRunner>>) {
  return lambdaHandler(async (event: StepEvent) => {
    const run = Object.hasOwn(runners, event.step) ? runners[event.step] : undefined;
    if (!run) throw new Error(`This function does not run the step ${event.step}.`);
    const schoolId = schoolIdIn(event);
    logger.appendKeys({ step: event.step, ...(schoolId ? { schoolId } : {}) });
    injectFault(event.step, schoolId);
    const result = await run(event);
    logger.info('step done');
    return result;
  });
}
