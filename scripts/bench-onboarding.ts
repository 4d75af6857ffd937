import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startPlatform } from '../local/platform';

/**
 * `npm run bench:onboarding`: the onboarding state machine on the local platform, timed
 * from StartExecution to SUCCEEDED through the Step Functions API: one school, then 50 in
 * a row (first and last ten shown, to see that time per school stays flat). Target: one
 * onboarding ≤ 5 s. Prints figures only.
 */
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-onboarding-'));
const platform = await startPlatform({ stateDir: dir, port: 0, shardGroupCapacity: 500 });
const sfn = new SFNClient({ endpoint: platform.stepFunctions.url });

async function onboard(slug: string): Promise<number> {
  const { stateMachines } = await sfn.send(new ListStateMachinesCommand({}));
  const stateMachineArn = stateMachines!.find(
    (machine) => machine.name === 'campus-local-onboard-school',
  )!.stateMachineArn!;
  const started = performance.now();
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      input: JSON.stringify({
        name: `Bench School ${slug}`,
        slug,
        country: 'PT',
        timezone: 'Europe/Lisbon',
        currency: 'EUR',
        admin: { name: `Admin ${slug}`, email: `admin@${slug}.example` },
        plan: 'standard',
      }),
    }),
  );
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status === 'SUCCEEDED') return performance.now() - started;
    if (execution.status !== 'RUNNING')
      throw new Error(`${slug}: ${execution.status} ${execution.error} ${execution.cause}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
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
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
