import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../layers/migrations';
import { schoolResourceNames, schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { projectRoot } from '../../lib/project';
import { onboardingEventTypes } from '../../lib/workflows/onboard-school.workflow';
import { useLocalPlatform } from '../support/local-platform';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';
import { allSchools, type FinishedExecution, orphans, runExecution, schoolIdOf } from '../support/workflows';

const platform = useLocalPlatform('onboarding', { shardGroupCapacity: 50, stepFunctionsRetryIntervalMs: 1 });
const machine = 'campus-local-onboard-school';
const faults = () => platform().stepFunctions.service.faults;
afterEach(() => faults().clear());

const request = (slug: string, overrides: Record<string, unknown> = {}) => ({
  name: `School ${slug}`,
  slug,
  country: 'PT',
  timezone: 'Europe/Lisbon',
  currency: 'EUR',
  admin: { name: `Admin of ${slug}`, email: `Admin@${slug}.example` },
  plan: 'standard',
  ...overrides,
});

/** The events an execution sent: there must be exactly one. */
const eventsOf = (execution: FinishedExecution) =>
  platform()
    .events.events()
    .filter((event) => (event.detail as { executionId?: string }).executionId === execution.executionArn);

describe('onboarding workflow (the synthesized state machine on the local Step Functions)', () => {
  it('brings a school live: ACTIVE in its slot, migrated, seeded, its admin invited, one event', async () => {
    const execution = await runExecution(machine, request('riverside'));
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.states).toEqual([
      'Validate request',
      'Reserve shard group slot',
      'Register school',
      'Create role, database and secret',
      'Run migrations',
      'Seed defaults',
      'Create first admin',
      'Record admin as staff',
      'Activate school',
      'Emit onboarded event',
      'Notify operator',
      'Onboarding result',
      'School is live',
    ]);
    const schoolId = execution.output!.schoolId as string;
    expect(execution.output).toMatchObject({
      slug: 'riverside',
      status: 'ACTIVE',
      schemaVersion: latestSchemaVersion,
      adminEmail: 'admin@riverside.example',
    });
    const school = (await new TenantDirectory().getSchool(schoolId))!;
    expect(school).toMatchObject({ status: 'ACTIVE', slug: 'riverside', schemaVersion: latestSchemaVersion });
    expect((await new ShardGroupSlots().group(school.shardGroupId)).schools).toContain(schoolId);

    const group = platform().shardGroups.find((g) => g.id === school.shardGroupId)!;
    const db = schoolSession(school, group.resourceArn);
    expect(
      await db.query('SELECT name, timezone, currency, pass_mark::float AS "passMark" FROM school_settings'),
    ).toEqual([{ name: 'School riverside', timezone: 'Europe/Lisbon', currency: 'EUR', passMark: 50 }]);
    expect(await db.query('SELECT count(*)::int AS n FROM terms')).toEqual([{ n: 3 }]);
    expect(await db.query("SELECT count(*)::int AS n FROM fee_categories WHERE code = 'tuition'")).toEqual([{ n: 1 }]);
    expect(await db.query('SELECT email, role, status FROM staff')).toEqual([
      { email: 'admin@riverside.example', role: 'school-admin', status: 'active' },
    ]);

    // The first admin signs in with the one-time password of the invitation and reads the settings.
    const invitation = platform().outbox.latestFor('admin@riverside.example')!;
    const token = await accessTokenFor(platform().url, 'admin@riverside.example', invitation.temporaryPassword);
    const settings = await callApi<{ name: string }>(platform().url, token, 'GET', '/api/v1/school/settings');
    expect(settings).toMatchObject({ status: 200, body: { name: 'School riverside' } });

    const events = eventsOf(execution);
    expect(events.map((e) => e.detailType)).toEqual([onboardingEventTypes.succeeded]);
    expect(events[0]!.detail).toMatchObject({ schoolId, slug: 'riverside', shardGroupId: school.shardGroupId });
    expect(platform().events.notifications().at(-1)!.message).toContain('School riverside (riverside) is live');
  });

  it('refuses a school of a country the stage does not serve (its data would leave the jurisdiction), making nothing', async () => {
    const before = (await allSchools()).length;
    const execution = await runExecution(
      machine,
      request('lincoln', { country: 'US', timezone: 'America/Chicago', currency: 'USD' }),
    );
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('InvalidOnboardingRequest');
    expect(execution.message).toMatch(/^country: this stage keeps data only where .* serves schools in AT, BE/);
    expect((await allSchools()).length).toBe(before);
  });

  it('rejects an invalid request field by field, making nothing and sending one failure event', async () => {
    const before = (await allSchools()).length;
    const execution = await runExecution(
      machine,
      request('Not A Slug', { country: 'ZZ', timezone: 'Mars/Olympus', currency: 'EURO', plan: 'gold', extra: 1 }),
    );
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('InvalidOnboardingRequest');
    for (const field of ['slug', 'country', 'timezone', 'currency', 'plan', 'input: Unrecognized key: "extra"']) {
      expect(execution.message).toContain(field);
    }
    expect(execution.states).toEqual([
      'Validate request',
      'Emit rejection event',
      'Notify operator of rejection',
      'Onboarding rejected',
    ]);
    expect((await allSchools()).length).toBe(before);
    expect(eventsOf(execution).map((e) => e.detailType)).toEqual([onboardingEventTypes.failed]);
  });

  const forwardSteps = [
    ['reserve-slot', 'Reserve shard group slot'],
    ['register-school', 'Register school'],
    ['create-database', 'Create role, database and secret'],
    ['run-migrations', 'Run migrations'],
    ['seed-defaults', 'Seed defaults'],
    ['create-admin', 'Create first admin'],
    ['record-admin', 'Record admin as staff'],
    ['activate', 'Activate school'],
  ] as const;

  it.each(forwardSteps)(
    'undoes everything when %s fails: no database, role, secret, user or slot is left, the school is FAILED',
    async (step, state) => {
      const slug = `fault-${step}`;
      faults().inject({ step });
      const execution = await runExecution(machine, request(slug));
      expect(execution.status).toBe('FAILED');
      expect(execution.error).toBe('InjectedFault');
      const entered = execution.states;
      expect(entered.slice(entered.indexOf(state) + 1)).toEqual([
        'Remove admin user',
        'Remove database',
        'Mark school failed',
        'Release slot',
        'Emit failure event',
        'Notify operator of failure',
        'Onboarding failed',
      ]);
      expect(await orphans(platform())).toEqual([]);

      const schoolId = schoolIdOf(execution)!;
      const school = await new TenantDirectory().getSchool(schoolId);
      if (step !== 'reserve-slot' && step !== 'register-school') {
        expect(school).toMatchObject({ status: 'FAILED' });
        expect(school!.failureReason).toContain('InjectedFault: Fault injected into ' + step);
      } else {
        expect(school).toBeUndefined();
      }
      const events = eventsOf(execution);
      expect(events.map((e) => e.detailType)).toEqual([onboardingEventTypes.failed]);
      expect(events[0]!.detail).toMatchObject({ schoolId, slug, error: 'InjectedFault' });

      // The slug is free again: the same request, without the fault, brings the school live.
      faults().clear();
      expect((await runExecution(machine, request(slug))).status).toBe('SUCCEEDED');
    },
  );

  it('retries a step on transient errors (a cluster resuming) and carries on', async () => {
    faults().inject({ step: 'run-migrations', error: 'DatabaseResumingException', times: 2 });
    const execution = await runExecution(machine, request('resuming'));
    expect(execution.status).toBe('SUCCEEDED');
    const failures = execution.history.filter((event) => event.type === 'TaskFailed');
    expect(failures.map((event) => event.taskFailedEventDetails!.error)).toEqual([
      'DatabaseResumingException',
      'DatabaseResumingException',
    ]);
  });

  it('fails an onboarding whose admin e-mail already has an account, leaving that account alone', async () => {
    const execution = await runExecution(
      machine,
      request('copycat', { admin: { name: 'Someone', email: 'admin@riverside.example' } }),
    );
    expect(execution).toMatchObject({ status: 'FAILED', error: 'AdminEmailTaken' });
    expect(platform().issuer.users.findByUsername('admin@riverside.example')).toBeDefined();
    expect(await orphans(platform())).toEqual([]);
  });

  it('creates one school when the same slug is started twice at once', async () => {
    const [first, second] = await Promise.all([
      runExecution(machine, request('twin', { name: 'Twin A' })),
      runExecution(machine, request('twin', { name: 'Twin B', admin: { name: 'B', email: 'b@twin.example' } })),
    ]);
    expect([first.status, second.status].sort()).toEqual(['FAILED', 'SUCCEEDED']);
    const loser = first.status === 'FAILED' ? first : second;
    expect(loser.error).toBe('SlugTakenError');
    const twins = (await allSchools()).filter((school) => school.slug === 'twin');
    expect(twins.map((school) => school.status)).toEqual(['ACTIVE']);
    expect(await orphans(platform())).toEqual([]);
    // The loser's database name was never the winner's: the winner's database is intact.
    const winner = twins[0]!;
    const group = platform().shardGroups.find((g) => g.id === winner.shardGroupId)!;
    expect(await schoolSession(winner, group.resourceArn).query('SELECT current_database() AS db')).toEqual([
      { db: schoolResourceNames(winner.schoolId).database },
    ]);
  });

  it('brings a school live from the command line, `npm run onboard -- --file examples/school.json`', async () => {
    const { stdout } = await promisify(execFile)(
      join(projectRoot, 'node_modules', '.bin', 'tsx'),
      ['scripts/workflows/onboard.ts', '--file', 'examples/school.json'],
      { cwd: projectRoot, env: { ...process.env, CAMPUS_STATE_DIR: platform().stateDir }, encoding: 'utf8' },
    );
    expect(stdout).toContain('• Create role, database and secret');
    expect(stdout).toMatch(/hillcrest is ACTIVE \(school s[a-z0-9]+, shard group sg\d\)/);
    const password = /first admin sign-in: marta\.sousa@hillcrest\.example \/ (\S+)/.exec(stdout)![1]!;
    const token = await accessTokenFor(platform().url, 'marta.sousa@hillcrest.example', password);
    const settings = await callApi<{ name: string; timezone: string }>(
      platform().url,
      token,
      'GET',
      '/api/v1/school/settings',
    );
    expect(settings.body).toMatchObject({ name: 'Hillcrest Secondary School', timezone: 'Europe/Lisbon' });
  });
});
