import { parseArgs } from 'node:util';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { startAndFollow, targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run migrate-fleet -- [--failure-threshold N] [--canary SLUG] [--early-percent P] [--stage NAME]`:
 * applies pending schema migrations to every ACTIVE school in waves, showing each state,
 * and ends with the report (the failed schools named).
 */
const usage = `Usage: npm run migrate-fleet -- [--failure-threshold N] [--canary SLUG] [--early-percent P] [--stage NAME]

Without --stage the local platform's schools are migrated (\`npm start\` must be running).`;

const { values } = parseArgs({
  options: {
    ...targetOptions,
    'failure-threshold': { type: 'string' },
    canary: { type: 'string' },
    'early-percent': { type: 'string' },
  },
  strict: true,
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const input = {
  ...(values['failure-threshold'] ? { failureThreshold: Number(values['failure-threshold']) } : {}),
  ...(values.canary ? { canarySlug: values.canary } : {}),
  ...(values['early-percent'] ? { earlyWavePercent: Number(values['early-percent']) } : {}),
};

try {
  const target = workflowTarget(values.stage);
  console.log(`migrating the fleet on ${target.stage}`);
  const execution = await startAndFollow(target, 'migrate-fleet', input, `migrate-fleet-${Date.now()}`);
  if (execution.status === 'SUCCEEDED') {
    console.log((JSON.parse(execution.output!) as { summary: string }).summary);
  } else {
    console.error(`fleet migration ${execution.status}: ${execution.error}: ${taskErrorMessage(execution.cause)}`);
    process.exit(1);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
