import { onboardingRunners } from './onboarding-steps';
import { stepHandler } from '../shared/step-handler';
import { onboardingPorts } from './workflow-ports';

/** Onboarding steps in the user directory: the first school admin. */
export const handler = stepHandler(onboardingRunners(['create-admin', 'remove-admin'], onboardingPorts));
