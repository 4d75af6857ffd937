import { offboardingRunners } from './offboarding-steps';
import { onboardingRunners } from './onboarding-steps';
import { moveRunners } from './school-move';
import { stepHandler } from '../shared/step-handler';
import { movePorts, offboardingPorts, onboardingPorts } from './workflow-ports';

/** Lifecycle steps on the tenant directory: validation, slots, registration, status, approvals. */
export const handler = stepHandler({
  ...onboardingRunners(
    ['validate', 'reserve-slot', 'register-school', 'activate', 'mark-failed', 'release-slot'],
    onboardingPorts,
  ),
  ...offboardingRunners(
    [
      'find-school',
      'suspend-school',
      'request-approval',
      'cancel-offboarding',
      'begin-deletion',
      'release-offboarded-slot',
      'mark-deleted',
    ],
    offboardingPorts,
  ),
  ...moveRunners(
    [
      'plan-move',
      'reserve-target-slot',
      'mark-moving',
      'switch-directory',
      'release-source-slot',
      'release-target-slot',
      'mark-back-active',
    ],
    movePorts,
  ),
});
