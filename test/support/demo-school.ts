import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import type { Platform } from '../../local/platform';

export interface DemoOnPlatform {
  readonly demo: DemoSchool;
  /** The demo school's database, as its tests read and arrange it. */
  readonly db: DataApiSession;
  /** The demo's sign-in for a role. */
  readonly signInOf: (role: string) => DemoSchool['signIns'][number];
}

/**
 * The demo school of a test file's platform, created on first use (a few minutes: the onboarding
 * workflow, the generated school, its scoring run) and shared by the file's tests after.
 */
export function demoSchoolOf(platform: () => Platform): () => Promise<DemoOnPlatform> {
  let ready: Promise<DemoOnPlatform> | undefined;
  return () =>
    (ready ??= (async () => {
      const demo = (await ensureDemoSchool(platform()))!;
      const group = platform().shardGroups.find((g) => g.id === demo.school.shardGroupId)!;
      return {
        demo,
        db: schoolSession(demo.school, group.resourceArn),
        signInOf: (role) => {
          const account = demo.signIns.find((s) => s.role === role);
          if (!account) throw new Error(`the demo school has no ${role}`);
          return account;
        },
      };
    })());
}
