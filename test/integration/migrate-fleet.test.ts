import { beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion, schoolMigrations } from '../../layers/migrations';
import { newSchoolId, provisionSchool, schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { type SchoolRecord, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { useLocalPlatform } from '../support/local-platform';
import { runExecution } from '../support/workflows';

const platform = useLocalPlatform('migrate-fleet', { stepFunctionsRetryIntervalMs: 1 });
const machine = 'campus-local-migrate-fleet';
const behind = latestSchemaVersion - 1;
/**
 * What the pending migration creates first, a table or an index: made ahead of it in one school,
 * it makes that school fail; dropped, the school can take it.
 */
const pending = schoolMigrations.at(-1)!.statements.join('\n');
const table = /CREATE TABLE (\w+)/.exec(pending)?.[1];
const index = /CREATE INDEX (\w+) ON (\w+)/.exec(pending);
const breakPending = table
  ? { make: `CREATE TABLE ${table} (id integer)`, undo: `DROP TABLE ${table}` }
  : { make: `CREATE INDEX ${index![1]} ON ${index![2]} (id)`, undo: `DROP INDEX ${index![1]}` };
const schools: SchoolRecord[] = [];

const databaseOf = (school: SchoolRecord) => {
  const group = platform().shardGroups.find((g) => g.id === school.shardGroupId)!;
  return schoolSession(school, group.resourceArn);
};
const versionsOf = async (slugs: string[]) => {
  const directory = new TenantDirectory();
  return Promise.all(
    slugs.map(async (slug) => {
      const school = schools.find((s) => s.slug === slug)!;
      const [{ version }] = (await databaseOf(school).query<{ version: number }>(
        'SELECT max(version) AS version FROM schema_migrations',
      )) as [{ version: number }];
      return { slug, database: version, directory: (await directory.getSchool(school.schoolId))!.schemaVersion };
    }),
  );
};
const slugs = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `fleet-${String(from + i).padStart(2, '0')}`);

beforeAll(async () => {
  // 50 schools one migration behind, and two already up to date.
  const group = platform().shardGroups[0]!;
  const access = { id: group.id, resourceArn: group.resourceArn, masterSecretArn: group.masterSecretArn };
  const plan = [
    ...slugs(0, 49).map((slug) => ({ slug, migrations: schoolMigrations.slice(0, -1) })),
    ...['fleet-up-a', 'fleet-up-b'].map((slug) => ({ slug, migrations: schoolMigrations })),
  ];
  for (let i = 0; i < plan.length; i += 10) {
    schools.push(
      ...(await Promise.all(
        plan
          .slice(i, i + 10)
          .map(({ slug, migrations }) =>
            provisionSchool({ schoolId: newSchoolId(), slug, name: slug, plan: 'standard' }, access, { migrations }),
          ),
      )),
    );
  }
  // fleet-03 (in the wave after the canary) cannot take the pending migration: it already has what it creates.
  await databaseOf(schools.find((s) => s.slug === 'fleet-03')!).execute(breakPending.make);
}, 120_000);

describe('fleet migration (the synthesized state machine on the local Step Functions)', () => {
  it('migrates the canary, then stops after the wave in which a school fails, naming it', async () => {
    const execution = await runExecution(machine, { failureThreshold: 0 });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'FleetMigrationStopped' });
    expect(execution.message).toMatch(/fleet-03: .*already exists/);
    expect(execution.message).toContain('stopped before 44 more');
    expect(execution.states).toContain('Migrate early wave');
    expect(execution.states).not.toContain('Migrate remaining wave');
    // The canary (fleet-00) and the early wave (fleet-01 to 05) but fleet-03 are migrated, in the database and the directory.
    const migrated = [...slugs(0, 2), ...slugs(4, 5)];
    expect(await versionsOf(migrated)).toEqual(
      migrated.map((slug) => ({ slug, database: latestSchemaVersion, directory: latestSchemaVersion })),
    );
    const untouched = ['fleet-03', ...slugs(6, 49)];
    expect(await versionsOf(untouched)).toEqual(
      untouched.map((slug) => ({ slug, database: behind, directory: behind })),
    );
  });

  it('finishes once the school is fixed, migrating only the schools still behind', async () => {
    await databaseOf(schools.find((s) => s.slug === 'fleet-03')!).execute(breakPending.undo);
    const execution = await runExecution(machine, {});
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({
      targetVersion: latestSchemaVersion,
      migrated: 45,
      alreadyUpToDate: 7,
      failed: [],
      notReached: 0,
    });
    const all = [...slugs(0, 49), 'fleet-up-a', 'fleet-up-b'];
    expect(await versionsOf(all)).toEqual(
      all.map((slug) => ({ slug, database: latestSchemaVersion, directory: latestSchemaVersion })),
    );
  });

  it('changes nothing when run again', async () => {
    const execution = await runExecution(machine, {});
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({ migrated: 0, alreadyUpToDate: 52, failed: [] });
    expect(execution.states.filter((state) => state === 'Migrate canary school')).toEqual([]);
  });

  it('rejects an unknown canary', async () => {
    const execution = await runExecution(machine, { canarySlug: 'nowhere' });
    expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidFleetMigrationRequest' });
  });
});
