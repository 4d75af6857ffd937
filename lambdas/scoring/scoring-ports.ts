import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queueUrl, reportsQueue } from '../shared/queues';
import { queueReport, type ReportQueue } from '../shared/report-jobs';
import { schoolSessionFor } from '../shared/school-session';
import { ScoringRuns } from '../shared/scoring-runs';
import { TenantDirectory } from '../shared/tenant-directory';
import type { ScoringPorts } from './scoring-run';

/** The actor the audit log names for what scoring runs write. */
export const scoringActor = 'scoring-run';

let sqs: SQSClient | undefined;

/** Sends to the reports queue this function was given. */
export const reportQueue: ReportQueue = {
  send: async (message) => {
    await (sqs ??= new SQSClient({})).send(
      new SendMessageCommand({ QueueUrl: queueUrl(reportsQueue), MessageBody: JSON.stringify(message) }),
    );
  },
};

let ports: ScoringPorts | undefined;

/** The scoring steps' ports, from the function's environment (made once per execution environment). */
export function scoringPorts(): ScoringPorts {
  return (ports ??= {
    directory: new TenantDirectory(),
    runs: new ScoringRuns(),
    session: schoolSessionFor,
    queueSchoolReport: async (db, schoolId, runId) => {
      await queueReport(db, reportQueue, schoolId, { kind: 'school-analytics' }, scoringActor, runId);
    },
  });
}
