import { lambdaHandler } from './lambda-handler';
import { logger } from './observability';
import { schoolIdIn, type StepEvent, type StepRunner } from './step-event';

export type { StepEvent, StepRunner } from './step-event';

/**
 * A function that runs some steps of the state machines (grouped by the permissions
 * they need; see `lambdaHandler`): logs carry the step and school id, never an admin's
 * personal data; a step's error reaches the state machine by its name, for Retry and Catch.
 */
export function stepHandler(runners: Readonly<Record<string, StepRunner>>) {
  return lambdaHandler(
    async (event: StepEvent) => {
      const run = Object.hasOwn(runners, event.step) ? runners[event.step] : undefined;
      if (!run) throw new Error(`This function does not run the step ${event.step}.`);
      const schoolId = schoolIdIn(event);
      logger.appendKeys({ step: event.step, ...(schoolId ? { schoolId } : {}) });
      const result = await run(event);
      logger.info('step done');
      return result;
    },
    { logAs: 'warn' },
  );
}
