import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import type { Context } from 'aws-lambda';
import { logger, tracer } from '../shared/observability';
import { injectFaultVariable, schoolSecretsVariable } from '../shared/platform-variables';
import { readRuntime, readShardGroups } from '../shared/runtime';
import { ShardGroupSlots } from '../shared/shard-group-slots';
import { TenantDirectory } from '../shared/tenant-directory';
import { CognitoUserDirectory } from '../shared/user-directory';
import type { OnboardingState } from './onboarding.schemas';
import { type OnboardingPorts, onboardingSteps, validateRequest } from './onboarding-steps';
import type { SchoolSecretsOptions } from './school-provisioning';

/** What a Task of the lifecycle state machines sends its function: the step to run and the state so far. */
export type StepEvent =
  | { readonly step: 'validate'; readonly input: unknown }
  | { readonly step: keyof typeof onboardingSteps; readonly state: OnboardingState };

const schoolSecrets = z
  .object({
    kmsKeyId: z.string().min(1).optional(),
    replica: z.object({ region: z.string().min(1), kmsKeyId: z.string().min(1) }).optional(),
  })
  .strict();

// Per step and school: a fault with `times` fails that many attempts, then lets the step run.
const injected = new Map<string, number>();

function injectFault(step: string, schoolId: string | undefined): void {
  const setting = process.env[injectFaultVariable];
  if (!setting || readRuntime().stage !== 'local') return;
  const [target, errorName = 'InjectedFault', times] = setting.split(':');
  if (target !== step) return;
  const key = `${step}/${schoolId ?? ''}`;
  const count = (injected.get(key) ?? 0) + 1;
  injected.set(key, count);
  if (times !== undefined && count > Number(times)) return;
  const fault = new Error(`Fault injected into ${step} (attempt ${count}).`);
  fault.name = errorName;
  throw fault;
}

let ports: OnboardingPorts | undefined;
function portsFromEnvironment(): OnboardingPorts {
  const secrets = process.env[schoolSecretsVariable];
  return (ports ??= {
    directory: new TenantDirectory(),
    slots: new ShardGroupSlots(),
    shardGroups: readShardGroups(),
    users: new CognitoUserDirectory(),
    secrets: secrets ? (schoolSecrets.parse(JSON.parse(secrets)) as SchoolSecretsOptions) : {},
  });
}

/**
 * A function that runs some of the onboarding steps (grouped by the permissions they
 * need): logs carry the school id and step, never the admin's personal data.
 */
export function stepHandler(steps: readonly StepEvent['step'][]) {
  return middy(async (event: StepEvent, _context: Context) => {
    if (!steps.includes(event.step)) throw new Error(`This function does not run the step ${event.step}.`);
    const schoolId = event.step === 'validate' ? undefined : event.state.schoolId;
    logger.appendKeys({ step: event.step, ...(schoolId ? { schoolId } : {}) });
    injectFault(event.step, schoolId);
    if (event.step === 'validate') return validateRequest(event.input);
    const result = await onboardingSteps[event.step](event.state, portsFromEnvironment());
    logger.info('step done');
    return result;
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer));
}
