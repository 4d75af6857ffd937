import { parseArgs } from 'node:util';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { startAndFollow, targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run offboard -- --school SLUG --reason TEXT [--stage NAME]`: suspends the school,
 * archives it to the exports bucket and stops at the operator's approval, which
 * `npm run approve` gives (or refuses); nothing is deleted before that.
 */
const usage = `Usage: npm run offboard -- --school SLUG --reason TEXT [--stage NAME]
       then: npm run approve -- --school SLUG [--reject --reason TEXT] [--stage NAME]`;

const { values } = parseArgs({
  options: { ...targetOptions, school: { type: 'string' }, reason: { type: 'string' } },
  strict: true,
});
if (values.help || !values.school || !values.reason) {
  (values.help ? console.log : console.error)(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  const target = workflowTarget(values.stage);
  console.log(`offboarding ${values.school} on ${target.stage}`);
  const execution = await startAndFollow(
    target,
    'offboard-school',
    { slug: values.school, reason: values.reason },
    `offboard-${values.school}-${Date.now()}`,
    console.log,
    'Wait for approval',
  );
  if (execution.status === 'FAILED' || execution.status === 'ABORTED' || execution.status === 'TIMED_OUT') {
    console.error(`offboarding ${execution.status}: ${execution.error}: ${taskErrorMessage(execution.cause)}`);
    process.exit(1);
  }
  console.log(
    `${values.school} is SUSPENDED and archived; its deletion waits for approval:\n` +
      `  npm run approve -- --school ${values.school}${values.stage ? ` --stage ${values.stage}` : ''}   (or --reject --reason TEXT)`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
