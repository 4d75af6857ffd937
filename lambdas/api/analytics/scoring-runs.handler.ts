import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { json } from '../../shared/http';
import { scoringRunArnVariable } from '../../shared/platform-variables';
import { ScoringRuns } from '../../shared/scoring-runs';
import { schoolRoutes } from '../school-handler';
import { parsePath, parseQuery } from '../validation';
import { runListQuery, runPath } from './analytics.schemas';
import { type StartScoring, schoolRun, schoolRuns, startSchoolRun } from './scoring-runs';
import { analyticsRoutes } from '../routes';

let sfn: SFNClient | undefined;
let runs: ScoringRuns | undefined;

const start: StartScoring = async (name, input) => {
  await (sfn ??= new SFNClient({})).send(
    new StartExecutionCommand({
      stateMachineArn: process.env[scoringRunArnVariable],
      name,
      input: JSON.stringify(input),
    }),
  );
};

/** Scoring runs of the caller's school: start one, follow its progress, list them. */
export const handler = schoolRoutes(analyticsRoutes(), {
  'POST /api/analytics/runs': async ({ principal }) =>
    json(202, await startSchoolRun((runs ??= new ScoringRuns()), start, principal.schoolId, principal.userId)),
  'GET /api/analytics/runs': async ({ event, principal }) =>
    json(200, await schoolRuns((runs ??= new ScoringRuns()), principal.schoolId, parseQuery(runListQuery, event))),
  'GET /api/analytics/runs/{runId}': async ({ event, principal }) =>
    json(200, await schoolRun((runs ??= new ScoringRuns()), principal.schoolId, parsePath(runPath, event).runId)),
});
