import { describe, expect, it } from 'vitest';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { useLocalPlatform } from '../support/local-platform';
import { allSchools, orphans, runExecution } from '../support/workflows';

// Two local shard groups with room for 10 schools each.
const platform = useLocalPlatform('onboarding-capacity', { shardGroupCapacity: 10, stepFunctionsRetryIntervalMs: 1 });
const machine = 'campus-local-onboard-school';

const request = (slug: string, shardGroupId?: string) => ({
  name: `School ${slug}`,
  slug,
  country: 'NO',
  timezone: 'Europe/Oslo',
  currency: 'NOK',
  admin: { name: `Admin ${slug}`, email: `admin@${slug}.example` },
  plan: 'standard',
  ...(shardGroupId ? { shardGroupId } : {}),
});

describe('placing schools in shard groups (conditional slot counts, least-full first)', () => {
  it('places 20 onboardings started at once exactly 10 per group, with counts that match the schools', async () => {
    const executions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => runExecution(machine, request(`crowd-${i}`))),
    );
    expect(executions.map((execution) => execution.status)).toEqual(Array(20).fill('SUCCEEDED'));
    const active = (await allSchools()).filter((school) => school.status === 'ACTIVE');
    for (const group of platform().shardGroups) {
      const slots = await new ShardGroupSlots().group(group.id);
      const placed = active.filter((school) => school.shardGroupId === group.id).map((school) => school.schoolId);
      expect(slots.schoolCount).toBe(10);
      expect(slots.schools).toEqual(placed.sort());
    }
    expect(await orphans(platform())).toEqual([]);
  });

  it('ends FAILED with "no capacity" when every group is full, leaving nothing behind', async () => {
    const execution = await runExecution(machine, request('one-too-many'));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'NoCapacityError' });
    expect(execution.message).toMatch(/no capacity/i);
    expect((await allSchools()).some((school) => school.slug === 'one-too-many')).toBe(false);
    expect(await orphans(platform())).toEqual([]);
  });

  it('places a school in the group the operator names, or fails if that group is full', async () => {
    const full = await runExecution(machine, request('named-group', 'sg2'));
    expect(full).toMatchObject({ status: 'FAILED', error: 'NoCapacityError' });
    const unknown = await runExecution(machine, request('named-group', 'sg9'));
    expect(unknown).toMatchObject({ status: 'FAILED', error: 'NoCapacityError' });
    expect(unknown.message).toContain('There is no shard group sg9');
  });
});
