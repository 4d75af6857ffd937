import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { onboardingInputJsonSchema, onboardingRequest } from '../../lambdas/onboarding/onboarding.schemas';
import { taskErrorMessage } from '../../lambdas/shared/task-failure';
import { startAndFollow, targetOptions, workflowTarget } from './workflow-client';

/**
 * `npm run onboard -- --file school.json [--stage NAME]`: brings a school live through the
 * onboarding state machine, showing each state as it runs, and ends with the result (on
 * the local platform, with the first admin's one-time sign-in).
 */
const usage = `Usage: npm run onboard -- --file school.json [--stage NAME]
       npm run onboard -- --schema      (the input's JSON Schema)

Without --stage the school is onboarded on the local platform (\`npm start\` must be running).`;

const { values } = parseArgs({
  options: { ...targetOptions, file: { type: 'string' }, schema: { type: 'boolean' } },
  strict: true,
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.schema) {
  console.log(JSON.stringify(onboardingInputJsonSchema(), null, 2));
  process.exit(0);
}
if (!values.file) {
  console.error(usage);
  process.exit(2);
}

try {
  const input: unknown = JSON.parse(readFileSync(values.file, 'utf8'));
  // Checked here too, so a typo is reported before anything starts; the first state checks it again.
  const checked = onboardingRequest.safeParse(input);
  if (!checked.success) {
    console.error(`${values.file} is not a valid onboarding request:`);
    for (const issue of checked.error.issues) console.error(`  ${issue.path.join('.') || '(input)'}: ${issue.message}`);
    process.exit(2);
  }
  const target = workflowTarget(values.stage);
  console.log(`onboarding ${checked.data.slug} on ${target.stage}`);
  const name = `onboard-${checked.data.slug}-${Date.now()}`;
  const execution = await startAndFollow(target, 'onboard-school', input, name);
  if (execution.status !== 'SUCCEEDED') {
    console.error(`onboarding ${execution.status}: ${execution.error}: ${taskErrorMessage(execution.cause)}`);
    process.exit(1);
  }
  const result = JSON.parse(execution.output!) as {
    schoolId: string;
    slug: string;
    shardGroupId: string;
    adminEmail: string;
  };
  console.log(`${result.slug} is ACTIVE (school ${result.schoolId}, shard group ${result.shardGroupId})`);
  if (target.localInvitation) {
    const invitation = target.localInvitation(result.adminEmail);
    console.log(
      `first admin sign-in: ${result.adminEmail} / ${invitation?.temporaryPassword ?? '(no invitation found)'}`,
    );
  } else {
    console.log(`Cognito has e-mailed ${result.adminEmail} an invitation with a temporary password.`);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
