import { onboardingRunners } from './onboarding-steps';
import { stepHandler } from './step-handler';
import { onboardingPorts } from './workflow-ports';

/** Onboarding steps in the school's shard group: its role, database and secret, schema, defaults, first admin's record. */
export const handler = stepHandler(
  onboardingRunners(
    ['create-database', 'run-migrations', 'seed-defaults', 'record-admin', 'remove-database'],
    onboardingPorts,
  ),
);
