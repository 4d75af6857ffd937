import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run approve -- --school SLUG [--reject --reason TEXT] [--stage NAME]`: answers the
 * approval an offboarding waits for, with the task token the run left in the directory.
 */
const usage = 'Usage: npm run approve -- --school SLUG [--reject --reason TEXT] [--stage NAME]';
const { values } = parseArgs({
  options: { ...targetOptions, school: { type: 'string' }, reject: { type: 'boolean' }, reason: { type: 'string' } },
  strict: true,
});
if (values.help || !values.school || (values.reject && !values.reason)) {
  (values.help ? console.log : console.error)(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  const target = workflowTarget(values.stage);
  // The run stores its token just after it asks; give it a moment.
  let pending: { taskToken: string; archivePrefix: string } | null | undefined;
  for (let attempt = 0; attempt < 20 && !pending; attempt += 1) {
    pending = (await target.directory.schoolBySlug(values.school))?.pendingApproval;
    if (!pending) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!pending) {
    console.error(`No offboarding of ${values.school} is waiting for approval on ${target.stage}.`);
    process.exit(1);
  }
  const operator = process.env.USER ?? userInfo().username;
  if (values.reject) {
    await target.client.send(
      new SendTaskFailureCommand({ taskToken: pending.taskToken, error: 'OffboardingRejected', cause: values.reason }),
    );
    console.log(`refused: ${values.school} goes back to how it was; its archive ${pending.archivePrefix} is kept.`);
  } else {
    await target.client.send(
      new SendTaskSuccessCommand({
        taskToken: pending.taskToken,
        output: JSON.stringify({ approvedBy: operator, approvedAt: new Date().toISOString() }),
      }),
    );
    console.log(`approved: ${values.school} is being deleted; its archive ${pending.archivePrefix} is kept.`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
