import { queueReport, sqsReportQueue } from '../shared/report-jobs';
import { schoolSessionFor } from '../shared/school-session';
import { ScoringRuns } from '../shared/scoring-runs';
import { TenantDirectory } from '../shared/tenant-directory';
import { scoringActor } from './chunk-scoring';
import type { ScoringPorts } from './scoring-run';

let ports: ScoringPorts | undefined;

/** The scoring steps' ports, from the function's environment (made once per execution environment). */
export function scoringPorts(): ScoringPorts {
  return (ports ??= {
    directory: new TenantDirectory(),
    runs: new ScoringRuns(),
    session: schoolSessionFor,
    queueSchoolReport: async (db, schoolId, runId) => {
      const asRun = db.as({ actor: scoringActor, requestId: runId });
      await queueReport(asRun, sqsReportQueue, schoolId, { kind: 'school-analytics' }, scoringActor, runId);
    },
  });
}
