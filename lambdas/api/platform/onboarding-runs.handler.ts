import { SFNClient } from '@aws-sdk/client-sfn';
import { json } from '../../shared/http';
import { onboardingArnVariable } from '../../shared/platform-variables';
import { apiHandler } from '../api-handler';
import { parsePath, parseQuery } from '../validation';
import { onboardingRun, onboardingRuns } from './onboarding-runs';
import { onboardingRunPath, onboardingRunsQuery } from './onboarding-runs.schemas';
import { platformRoutes } from '../routes';

let sfn: SFNClient | undefined;

/**
 * Platform operators follow the onboarding runs: read-only views of the executions of the
 * onboarding state machine. They start runs with the console, the CLI or `npm run onboard`.
 */
export const handler = apiHandler(platformRoutes(), async ({ event }) => {
  const stateMachineArn = process.env[onboardingArnVariable]!;
  const client = (sfn ??= new SFNClient({}));
  if (event.routeKey === 'GET /api/platform/onboarding-runs/{runName}') {
    return json(200, await onboardingRun(client, stateMachineArn, parsePath(onboardingRunPath, event).runName));
  }
  return json(200, await onboardingRuns(client, stateMachineArn, parseQuery(onboardingRunsQuery, event)));
});
