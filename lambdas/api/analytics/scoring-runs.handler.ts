import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { scoringRunArnVariable } from '../../shared/platform-variables';
import { ScoringRuns } from '../../shared/scoring-runs';
import { schoolRoutes } from '../school-handler';
import { scoringRunRoutes } from './analytics.routes';
import { type StartScoring, schoolRun, schoolRuns, startSchoolRun } from './scoring-runs';

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
const scoringRuns = () => (runs ??= new ScoringRuns());

export const handler = schoolRoutes(scoringRunRoutes, {
  startScoringRun: async ({ db, principal }) =>
    startSchoolRun(db, scoringRuns(), start, principal.schoolId, principal.userId),
  listScoringRuns: async ({ principal, query }) => schoolRuns(scoringRuns(), principal.schoolId, query),
  getScoringRun: async ({ principal, params }) => schoolRun(scoringRuns(), principal.schoolId, params.runId),
});
