import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  type ArchiveManifest,
  exportSchoolArchive,
  importSchoolArchive,
} from '../../lambdas/onboarding/school-archive';
import {
  masterSession,
  newSchoolId,
  provisionSchool,
  schoolSession,
} from '../../lambdas/onboarding/school-provisioning';
import { getObjectText, putObject } from '../../lambdas/shared/object-storage';
import { ShardGroupSlots } from '../../lambdas/shared/shard-group-slots';
import { type SchoolRecord, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { projectRoot } from '../../lib/project';
import { offboardedEventType } from '../../lib/workflows/offboard-school.workflow';
import { ensureDemoSchool } from '../../local/demo/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';
import { runExecution, stateMachineArn } from '../support/workflows';
import { until } from '../support/until';

const platform = useLocalPlatform('offboarding', { stepFunctionsRetryIntervalMs: 1 });
const store = {
  put: (key: string, body: string, contentType: string) => putObject('exports', key, body, contentType),
  get: (key: string) => getObjectText('exports', key),
};

/** Runs one of the workflow commands as an operator would, against this test's platform. */
async function command(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [`scripts/workflows/${script}.ts`, ...args],
    { cwd: projectRoot, env: { ...process.env, CAMPUS_STATE_DIR: platform().stateDir }, encoding: 'utf8' },
  );
  return stdout;
}

async function latestExecution(machine: string) {
  const { executions } = await new SFNClient({}).send(
    new ListExecutionsCommand({ stateMachineArn: await stateMachineArn(machine) }),
  );
  return executions![0]!;
}

const databaseOf = (school: SchoolRecord) => {
  const group = platform().shardGroups.find((g) => g.id === school.shardGroupId)!;
  return schoolSession(school, group.resourceArn);
};

describe('offboarding workflow (task-token approval on the local Step Functions)', () => {
  let school: SchoolRecord;
  let manifest: ArchiveManifest;

  it('suspends and archives the school, then waits for approval with nothing deleted', async () => {
    const demo = (await ensureDemoSchool(platform()))!;
    school = demo.school;
    const output = await command('offboard', '--school', 'demo-high', '--reason', 'contract ended');
    expect(output).toContain('• Export archive');
    expect(output).toContain('demo-high is SUSPENDED and archived; its deletion waits for approval');

    const waiting = (await new TenantDirectory().getSchool(school.schoolId))!;
    expect(waiting.status).toBe('SUSPENDED');
    expect(waiting.pendingApproval?.archivePrefix).toMatch(new RegExp(`^schools/${school.schoolId}/offboarding/`));
    // Read-only while it waits: the admin still reads, but cannot write.
    const admin = demo.signIns.find((s) => s.role === 'school-admin')!;
    const token = await accessTokenFor(platform().url, admin.email, admin.password);
    expect((await callApi(platform().url, token, 'GET', '/api/v1/students?limit=1')).status).toBe(200);
    const write = await callApi(platform().url, token, 'POST', '/api/v1/students', {
      admissionNo: 'LATE-1',
      givenName: 'Late',
      familyName: 'Comer',
    });
    expect(write.status).toBeGreaterThanOrEqual(400);
    expect(write.status).toBeLessThan(500);

    // The manifest counts every table's rows and each file matches its checksum.
    manifest = JSON.parse(
      await store.get(`${waiting.pendingApproval!.archivePrefix}/manifest.json`),
    ) as ArchiveManifest;
    expect(manifest).toMatchObject({ format: 'campus-school-archive/1', slug: 'demo-high', schoolId: school.schoolId });
    const db = databaseOf(school);
    for (const table of manifest.tables) {
      const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table.table}"`)) as [
        { n: number },
      ];
      expect({ table: table.table, rows: table.rows }).toEqual({ table: table.table, rows: n });
    }
    expect(manifest.tables.find((t) => t.table === 'attendance')!.rows).toBeGreaterThan(40_000);
  });

  it('re-imports the archive into an empty school with identical row counts and checksums', async () => {
    const group = platform().shardGroups[1]!;
    const empty = await provisionSchool(
      { schoolId: newSchoolId(), slug: 'restored', name: 'Restored', plan: 'standard' },
      { id: group.id, resourceArn: group.resourceArn, masterSecretArn: group.masterSecretArn },
    );
    const db = schoolSession(empty, group.resourceArn);
    const prefix = (await new TenantDirectory().getSchool(school.schoolId))!.pendingApproval!.archivePrefix;
    await importSchoolArchive(db, store, prefix);
    const again = await exportSchoolArchive(db, store, `schools/${empty.schoolId}/round-trip`, {
      schoolId: empty.schoolId,
      slug: empty.slug,
      name: empty.name,
      schemaVersion: empty.schemaVersion,
    });
    const comparable = (m: ArchiveManifest) =>
      m.tables
        .filter((t) => t.table !== 'schema_migrations')
        .map(({ table, rows, sha256 }) => ({ table, rows, sha256 }));
    expect(comparable(again)).toEqual(comparable(manifest));
    // The loaded school goes on: identities continue after the loaded receipts.
    const [{ next }] = (await db.query<{ next: number }>(
      "SELECT nextval(pg_get_serial_sequence('payments', 'receipt_no'))::int AS next",
    )) as [{ next: number }];
    expect(next).toBe(manifest.tables.find((t) => t.table === 'payments')!.rows + 1);
  });

  it('deletes the database, role, secret and users once approved, keeping the record and the archive', async () => {
    const output = await command('approve', '--school', 'demo-high');
    expect(output).toContain('approved: demo-high is being deleted');
    const deleted = await until(async () => {
      const record = await new TenantDirectory().getSchool(school.schoolId);
      return record?.status === 'DELETED' ? record : undefined;
    }, 'the school to be DELETED');
    expect(deleted.retainUntil! > new Date().toISOString()).toBe(true);
    expect(deleted.archivePrefix).toMatch(/offboarding/);
    expect((await latestExecution('campus-local-offboard-school')).status).toBe('SUCCEEDED');

    const group = platform().shardGroups.find((g) => g.id === school.shardGroupId)!;
    const master = masterSession(group);
    expect(await master.query('SELECT 1 FROM pg_database WHERE datname = :name', { name: school.database })).toEqual(
      [],
    );
    expect(await master.query('SELECT 1 FROM pg_roles WHERE rolname = :name', { name: school.database })).toEqual([]);
    expect(
      platform()
        .secrets.arns()
        .filter((arn) => arn.includes(school.schoolId)),
    ).toEqual([]);
    expect(
      platform()
        .issuer.users.list()
        .filter((user) => user.schoolId === school.schoolId),
    ).toEqual([]);
    expect((await new ShardGroupSlots().group(school.shardGroupId)).schools).not.toContain(school.schoolId);
    // The archive is still there, and one event says the school is gone.
    expect(JSON.parse(await store.get(`${deleted.archivePrefix}/manifest.json`)).slug).toBe('demo-high');
    expect(
      platform()
        .events.events(offboardedEventType)
        .map((e) => (e.detail as { slug: string }).slug),
    ).toEqual(['demo-high']);
  });

  it('puts a school back as it was when the offboarding is refused', async () => {
    const onboarded = await runExecution('campus-local-onboard-school', {
      name: 'Staying School',
      slug: 'staying',
      country: 'PT',
      timezone: 'Europe/Lisbon',
      currency: 'EUR',
      admin: { name: 'Admin', email: 'admin@staying.example' },
      plan: 'standard',
    });
    const schoolId = onboarded.output!.schoolId as string;
    await command('offboard', '--school', 'staying', '--reason', 'asked by mistake');
    expect(await command('approve', '--school', 'staying', '--reject', '--reason', 'the school is staying')).toContain(
      'refused',
    );
    const execution = await until(async () => {
      const latest = await latestExecution('campus-local-offboard-school');
      return latest.status === 'RUNNING' ? undefined : latest;
    }, 'the offboarding to end');
    expect(execution.status).toBe('FAILED');
    const record = (await new TenantDirectory().getSchool(schoolId))!;
    expect(record.status).toBe('ACTIVE');
    expect(record.pendingApproval ?? null).toBeNull();
  });

  it('refuses to offboard a school that does not exist or is already deleted', async () => {
    expect(await runExecution('campus-local-offboard-school', { slug: 'nowhere', reason: 'x' })).toMatchObject({
      status: 'FAILED',
      error: 'InvalidOffboardingRequest',
    });
    expect(await runExecution('campus-local-offboard-school', { slug: 'demo-high', reason: 'again' })).toMatchObject({
      status: 'FAILED',
      error: 'SchoolStatusConflictError',
    });
  });
});
