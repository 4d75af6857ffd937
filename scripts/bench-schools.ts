import type { SFNClient } from '@aws-sdk/client-sfn';
import { runExecutionToSuccess } from '../lambdas/shared/state-machine-executions';

/** Onboards one benchmark school through the onboarding state machine; throws unless it succeeds. */
export async function onboardBenchSchool(sfn: SFNClient, slug: string, name = `Bench School ${slug}`): Promise<void> {
  await runExecutionToSuccess(
    sfn,
    'campus-local-onboard-school',
    {
      name,
      slug,
      country: 'PT',
      timezone: 'Europe/Lisbon',
      currency: 'EUR',
      admin: { name: `Admin ${slug}`, email: `admin@${slug}.example` },
      plan: 'standard',
    },
    { pollMs: 5 },
  );
}
