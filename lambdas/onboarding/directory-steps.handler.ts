import { onboardingRunners } from './onboarding-steps';
import { stepHandler } from './step-handler';
import { onboardingPorts } from './workflow-ports';

/** Onboarding steps on the tenant directory: validate, slots, registration, status. */
export const handler = stepHandler(
  onboardingRunners(
    ['validate', 'reserve-slot', 'register-school', 'activate', 'mark-failed', 'release-slot'],
    onboardingPorts,
  ),
);
