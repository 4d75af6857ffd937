import { offboardingRunners } from './offboarding-steps';
import { onboardingRunners } from './onboarding-steps';
import { moveRunners } from './school-move';
import { stepHandler } from '../shared/step-handler';
import { movePorts, offboardingPorts, onboardingPorts } from './workflow-ports';

/**
 * Lifecycle steps in a school's shard group: its role, database and secret, schema,
 * defaults and first admin's record; its archive, its users and its removal.
 */
export const handler = stepHandler({
  ...onboardingRunners(
    ['create-database', 'run-migrations', 'seed-defaults', 'record-admin', 'remove-database'],
    onboardingPorts,
  ),
  ...offboardingRunners(['export-archive', 'delete-users', 'delete-database'], offboardingPorts),
  ...moveRunners(
    ['lock-source', 'copy-database', 'verify-copy', 'drop-source', 'drop-target', 'unlock-source'],
    movePorts,
  ),
});
