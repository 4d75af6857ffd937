import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { stateMachineArnOf, targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run score -- [--school SLUG] [--stage NAME]`: runs the scoring run now, for one
 * school or every ACTIVE school, printing its progress (chunks and students) as it goes
 * and each school's outcome at the end.
 */
const usage = `Usage: npm run score -- [--school SLUG] [--stage NAME]

Scores every ACTIVE school, or the one named. Without --stage the local platform's schools
are scored (\`npm start\` must be running).`;

const { values } = parseArgs({ options: { ...targetOptions, school: { type: 'string' } }, strict: true });
if (values.help) {
  console.log(usage);
  process.exit(0);
}

try {
  const target = workflowTarget(values.stage);
  let schoolId: string | undefined;
  if (values.school) {
    const school = await target.directory.schoolBySlug(values.school);
    if (!school) throw new Error(`There is no school ${values.school} on ${target.stage}.`);
    if (school.status !== 'ACTIVE')
      throw new Error(`${values.school} is ${school.status}; only ACTIVE schools are scored.`);
    schoolId = school.schoolId;
  }
  const runId = randomUUID();
  const started = Date.now();
  const { executionArn } = await target.client.send(
    new StartExecutionCommand({
      stateMachineArn: await stateMachineArnOf(target, 'scoring-run'),
      name: runId,
      input: JSON.stringify({ trigger: 'operator', ...(schoolId ? { schoolId } : {}) }),
    }),
  );
  console.log(`scoring ${values.school ?? 'every ACTIVE school'} on ${target.stage}: run ${runId}`);
  let last = '';
  for (;;) {
    const execution = await target.client.send(new DescribeExecutionCommand({ executionArn }));
    const progress = await target.scoringRuns.progress(runId);
    if (progress) {
      const line = `  ${progress.schoolsDone + progress.schoolsFailed}/${progress.schools} schools, ${progress.chunksDone}/${progress.chunksTotal} chunks, ${progress.studentsScored} students scored`;
      if (line !== last) console.log(line);
      last = line;
    }
    if (execution.status !== 'RUNNING') {
      if (execution.status !== 'SUCCEEDED') {
        console.error(`scoring run ${execution.status}: ${execution.error}: ${taskErrorMessage(execution.cause)}`);
        process.exit(1);
      }
      const seconds = (Date.now() - started) / 1000;
      const final = (await target.scoringRuns.progress(runId))!;
      console.log(
        `${final.status}: ${final.studentsScored} students in ${seconds.toFixed(1)} s (${Math.round((final.studentsScored / seconds) * 60)} a minute)`,
      );
      for (const school of await target.scoringRuns.schoolRuns(runId)) {
        const slug = (await target.directory.getSchool(school.schoolId))?.slug ?? school.schoolId;
        console.log(
          `  ${slug}: ${school.status}, ${school.studentsScored} scored, ${school.atRisk} at risk, ${school.anomalies} anomalies${school.failure ? ` (${school.failure})` : ''}`,
        );
      }
      process.exit(final.status === 'SUCCEEDED' ? 0 : 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
