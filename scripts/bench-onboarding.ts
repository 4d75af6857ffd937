import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { schoolMigrations } from '../layers/migrations';
import { newSchoolId, provisionSchool } from '../lambdas/onboarding/school-provisioning';
import { startPlatform } from '../local/platform';
import { runExecutionToSuccess } from '../lambdas/shared/state-machine-executions';
import { onboardBenchSchool } from './bench-schools';

/**
 * `npm run bench:onboarding`: the onboarding state machine on the local platform, timed
 * from StartExecution to SUCCEEDED through the Step Functions API: one school, then 50 in
 * a row (first and last ten shown, to see that time per school stays flat); then the fleet
 * migration over 200 schools one migration behind (total time, schools per minute).
 * Target: one onboarding ≤ 5 s. Prints figures only.
 */
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-onboarding-'));
const platform = await startPlatform({ stateDir: dir, port: 0, shardGroupCapacity: 500 });
const sfn = new SFNClient({ endpoint: platform.stepFunctions.url });

async function onboard(slug: string): Promise<number> {
  const started = performance.now();
  await onboardBenchSchool(sfn, slug);
  return performance.now() - started;
}

try {
  const single = await onboard('bench-single');
  console.log(
    `one onboarding end to end (StartExecution to SUCCEEDED): ${(single / 1000).toFixed(2)} s (target ≤ 5 s)`,
  );
  const times: number[] = [];
  for (let i = 0; i < 50; i += 1) times.push(await onboard(`bench-${i}`));
  const ms = (values: number[]) => values.map((t) => t.toFixed(0)).join(' ');
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`50 onboardings in a row: ${(times.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s in all`);
  console.log(`  first ten (ms): ${ms(times.slice(0, 10))}  mean ${mean(times.slice(0, 10)).toFixed(0)} ms`);
  console.log(`  last ten (ms):  ${ms(times.slice(-10))}  mean ${mean(times.slice(-10)).toFixed(0)} ms`);

  // Fleet migration: 200 schools one migration behind, spread over the shard groups.
  const behind = schoolMigrations.slice(0, -1);
  const provisionStarted = performance.now();
  for (let i = 0; i < 200; i += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_, k) => {
        const group = platform.shardGroups[(i + k) % platform.shardGroups.length]!;
        return provisionSchool(
          {
            schoolId: newSchoolId(),
            slug: `fleet-${String(i + k).padStart(3, '0')}`,
            name: 'Fleet school',
            plan: 'standard',
          },
          { id: group.id, resourceArn: group.resourceArn, masterSecretArn: group.masterSecretArn },
          { migrations: behind },
        );
      }),
    );
  }
  console.log(
    `200 schools provisioned one migration behind in ${((performance.now() - provisionStarted) / 1000).toFixed(1)} s`,
  );
  const fleetStarted = performance.now();
  const fleet = await runExecutionToSuccess(sfn, 'campus-local-migrate-fleet', {}, { pollMs: 5 });
  const fleetSeconds = (performance.now() - fleetStarted) / 1000;
  console.log(
    `migrate fleet (canary, 10 %, the rest; 10 at a time): ${(JSON.parse(fleet.output!) as { summary: string }).summary}; ` +
      `${fleetSeconds.toFixed(1)} s, ${((200 / fleetSeconds) * 60).toFixed(0)} schools per minute`,
  );
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
