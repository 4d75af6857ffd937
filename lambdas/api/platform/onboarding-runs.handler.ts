import { SFNClient } from '@aws-sdk/client-sfn';
import { onboardingArnVariable } from '../../shared/platform-variables';
import { apiHandler } from '../api-handler';
import { onboardingRun, onboardingRuns } from './onboarding-runs';
import { onboardingRunRoutes } from './platform.routes';

let sfn: SFNClient | undefined;
const client = () => (sfn ??= new SFNClient({}));
const stateMachineArn = () => process.env[onboardingArnVariable]!;

/**
 * Platform operators follow the onboarding runs: read-only views of the executions of the
 * onboarding state machine. They start runs with the console, the CLI or `npm run onboard`.
 */
export const handler = apiHandler(onboardingRunRoutes, {
  listOnboardingRuns: async ({ query }) => onboardingRuns(client(), stateMachineArn(), query),
  getOnboardingRun: async ({ params }) => onboardingRun(client(), stateMachineArn(), params.runName),
});
