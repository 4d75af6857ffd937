import { afterEach, describe, expect, it } from 'vitest';
import { masterSession, schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { useLocalPlatform } from '../support/local-platform';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';
import { runExecution } from '../support/workflows';

// API functions trust a directory read for 1 s here, and the move waits 1.5 s for caches to expire.
const platform = useLocalPlatform('move-school', {
  stepFunctionsRetryIntervalMs: 1,
  stepFunctionsWaitMs: 1500,
  directoryCacheSeconds: 1,
});
afterEach(() => platform().stepFunctions.service.faults.clear());

const databaseExists = async (groupId: string, database: string) => {
  const group = platform().shardGroups.find((g) => g.id === groupId)!;
  const master = masterSession(group);
  return (await master.query('SELECT 1 FROM pg_database WHERE datname = :database', { database })).length === 1;
};

describe('moving a school between shard groups (the synthesized state machine)', () => {
  let schoolId: string;
  let token: string;
  let n = 0;
  const enrol = async () => {
    n += 1;
    const admissionNo = `MOVE-${String(n).padStart(4, '0')}`;
    const response = await callApi(platform().url, token, 'POST', '/api/v1/students', {
      admissionNo,
      givenName: 'Moving',
      familyName: `Student ${n}`,
    });
    return { admissionNo, status: response.status };
  };

  it('copies, verifies and switches the school while refusing, never losing, writes made during the move', async () => {
    const onboarded = await runExecution('campus-local-onboard-school', {
      name: 'Mover School',
      slug: 'mover',
      country: 'PT',
      timezone: 'Europe/Lisbon',
      currency: 'EUR',
      admin: { name: 'Admin', email: 'admin@mover.example' },
      plan: 'standard',
    });
    schoolId = onboarded.output!.schoolId as string;
    const from = onboarded.output!.shardGroupId as string;
    const to = from === 'sg1' ? 'sg2' : 'sg1';
    token = await accessTokenFor(
      platform().url,
      'admin@mover.example',
      platform().outbox.latestFor('admin@mover.example')!.temporaryPassword,
    );
    const before = [];
    for (let i = 0; i < 20; i += 1) before.push(await enrol());
    expect(before.every((write) => write.status === 201)).toBe(true);

    // Writes keep coming while the school moves.
    let moving = true;
    const during: { admissionNo: string; status: number }[] = [];
    const writer = (async () => {
      while (moving) during.push(await enrol());
    })();
    const execution = await runExecution('campus-local-move-school', { slug: 'mover', targetShardGroupId: to });
    moving = false;
    await writer;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states).toEqual(
      expect.arrayContaining([
        'Make source read-only',
        'Copy database',
        'Verify copy',
        'Switch directory',
        'Drop source',
      ]),
    );
    expect(execution.output).toMatchObject({ slug: 'mover', from, to });

    const school = (await new TenantDirectory().getSchool(schoolId))!;
    expect(school).toMatchObject({ status: 'ACTIVE', shardGroupId: to });
    expect(await databaseExists(from, school.database)).toBe(false);
    expect((await new ShardGroupSlots().group(from)).schools).not.toContain(schoolId);
    expect((await new ShardGroupSlots().group(to)).schools).toContain(schoolId);

    // Every write answered 201 is there; every other was refused as read-only (503), and is not.
    const db = schoolSession(school, platform().shardGroups.find((g) => g.id === to)!.resourceArn);
    const stored = new Set(
      (await db.query<{ no: string }>("SELECT admission_no AS no FROM students WHERE admission_no LIKE 'MOVE-%'")).map(
        (row) => row.no,
      ),
    );
    const all = [...before, ...during];
    expect(all.filter((w) => w.status === 201).every((w) => stored.has(w.admissionNo))).toBe(true);
    expect(all.filter((w) => w.status !== 201).some((w) => stored.has(w.admissionNo))).toBe(false);
    expect(new Set(all.filter((w) => w.status !== 201).map((w) => w.status))).toEqual(
      new Set(during.some((w) => w.status !== 201) ? [503] : []),
    );
    expect(during.filter((w) => w.status === 503).length).toBeGreaterThan(0);
    // And the school takes writes again, in its new group.
    expect((await enrol()).status).toBe(201);
  });

  it('switches back when the copy cannot be verified, leaving the source as it was', async () => {
    const school = (await new TenantDirectory().getSchool(schoolId))!;
    const from = school.shardGroupId;
    const to = from === 'sg1' ? 'sg2' : 'sg1';
    const db = schoolSession(school, platform().shardGroups.find((g) => g.id === from)!.resourceArn);
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM students'))[0]!.n;
    const rows = await count();

    platform().stepFunctions.service.faults.inject({ step: 'verify-copy' });
    const execution = await runExecution('campus-local-move-school', { slug: 'mover', targetShardGroupId: to });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InjectedFault' });
    expect(execution.states).toEqual(
      expect.arrayContaining([
        'Drop target copy',
        'Release target slot',
        'Make source writable',
        'Mark school active again',
      ]),
    );
    expect(await new TenantDirectory().getSchool(schoolId)).toMatchObject({ status: 'ACTIVE', shardGroupId: from });
    expect(await databaseExists(to, school.database)).toBe(false);
    expect((await new ShardGroupSlots().group(to)).schools).not.toContain(schoolId);
    expect(await count()).toBe(rows);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await enrol()).status).toBe(201);
  });

  it('refuses a move to the group the school is in, or to a group that does not exist', async () => {
    const school = (await new TenantDirectory().getSchool(schoolId))!;
    for (const target of [school.shardGroupId, 'sg9']) {
      expect(
        await runExecution('campus-local-move-school', { slug: 'mover', targetShardGroupId: target }),
      ).toMatchObject({
        status: 'FAILED',
        error: 'InvalidMoveRequest',
      });
    }
  });
});
