import { parseArgs } from 'node:util';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { startAndFollow, targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run move-school -- --school SLUG --to SHARD_GROUP [--stage NAME]`: moves a school's
 * database to another shard group (read-only while it is copied and verified), showing
 * each state, and ends with where it is.
 */
const usage = 'Usage: npm run move-school -- --school SLUG --to SHARD_GROUP [--stage NAME]';
const { values } = parseArgs({
  options: { ...targetOptions, school: { type: 'string' }, to: { type: 'string' } },
  strict: true,
});
if (values.help || !values.school || !values.to) {
  (values.help ? console.log : console.error)(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  const target = workflowTarget(values.stage);
  console.log(`moving ${values.school} to ${values.to} on ${target.stage}`);
  const execution = await startAndFollow(
    target,
    'move-school',
    { slug: values.school, targetShardGroupId: values.to },
    `move-${values.school}-${Date.now()}`,
  );
  if (execution.status !== 'SUCCEEDED') {
    console.error(`move ${execution.status}: ${execution.error}: ${taskErrorMessage(execution.cause)}`);
    process.exit(1);
  }
  const result = JSON.parse(execution.output!) as {
    slug: string;
    from: string;
    to: string;
    tables: number;
    rows: number;
  };
  console.log(
    `${result.slug} moved from ${result.from} to ${result.to}: ${result.tables} tables, ${result.rows} rows verified`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
