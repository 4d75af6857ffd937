import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion, type Migration, schoolMigrations } from '../../layers/migrations';
import {
  newSchoolId,
  provisionSchool,
  schoolResourceNames,
  schoolSession,
  type ShardGroupAccess,
} from '../../lambdas/onboarding/school-provisioning';
import { DataApiSession } from '../../lambdas/shared/data-api';
import { migrateSchoolDatabase } from '../../lambdas/shared/schema-migrations';
import { SlugTakenError, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { type Platform, startPlatform } from '../../local/platform';

const stateDir = mkdtempSync(join(tmpdir(), 'campus-provisioning-'));
let platform: Platform;
let group: ShardGroupAccess;

beforeAll(async () => {
  platform = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
  const sg1 = platform.shardGroups[0]!;
  group = { id: sg1.id, resourceArn: sg1.resourceArn, masterSecretArn: sg1.masterSecretArn };
});
afterAll(async () => {
  await platform?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const master = () => new DataApiSession({ ...group, secretArn: group.masterSecretArn, database: 'postgres' });
const databaseExists = async (name: string) =>
  (await master().query('SELECT 1 FROM pg_database WHERE datname = :name', { name })).length === 1;
const roleExists = async (name: string) =>
  (await master().query('SELECT 1 FROM pg_roles WHERE rolname = :name', { name })).length === 1;

const school = (slug: string) => ({ schoolId: newSchoolId(), slug, name: `School ${slug}`, plan: 'standard' });

describe('school provisioning (real PostgreSQL through the Data API, directory in DynamoDB)', () => {
  it('brings a school to ACTIVE with its own role, database, secret and the latest schema', async () => {
    const greenfield = school('greenfield');
    const record = await provisionSchool(greenfield, group);
    expect(record).toMatchObject({
      status: 'ACTIVE',
      slug: 'greenfield',
      shardGroupId: 'sg1',
      schemaVersion: latestSchemaVersion,
    });
    const names = schoolResourceNames(greenfield.schoolId);
    expect(await databaseExists(names.database)).toBe(true);
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: names.secretName }));
    expect(JSON.parse(secret.SecretString!)).toMatchObject({ username: names.role, dbname: names.database });

    const session = schoolSession(record, group.resourceArn);
    const tables = await session.query<{ table_name: string; owner: string }>(
      `SELECT c.relname AS table_name, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['students', 'attendance', 'scores', 'payments', 'audit_log', 'schema_migrations']),
    );
    expect(new Set(tables.map((t) => t.owner))).toEqual(new Set([names.role]));
    expect(await session.query('SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      schoolMigrations.map(({ version }) => ({ version })),
    );
  });

  it('is safe to run again: the same school stays as it is, and migrating again applies nothing', async () => {
    const hillside = school('hillside');
    const first = await provisionSchool(hillside, group);
    const again = await provisionSchool(hillside, group);
    expect(again).toMatchObject({ status: 'ACTIVE', secretArn: first.secretArn, schoolId: hillside.schoolId });
    const result = await migrateSchoolDatabase(schoolSession(first, group.resourceArn));
    expect(result).toEqual({ from: latestSchemaVersion, to: latestSchemaVersion, applied: [] });
  });

  it('runs each migration once when two runners race', async () => {
    const riverside = await provisionSchool(school('riverside'), group);
    const extra: Migration = {
      version: latestSchemaVersion + 1,
      name: 'raced',
      statements: ['CREATE TABLE raced (id integer PRIMARY KEY)'],
    };
    const migrations = [...schoolMigrations, extra];
    const results = await Promise.all([
      migrateSchoolDatabase(schoolSession(riverside, group.resourceArn), migrations),
      migrateSchoolDatabase(schoolSession(riverside, group.resourceArn), migrations),
    ]);
    expect(results.flatMap((r) => r.applied)).toEqual([extra.version]);
  });

  it('refuses a slug another school holds, creating nothing for the newcomer', async () => {
    await provisionSchool(school('lakeside'), group);
    const copycat = school('lakeside');
    await expect(provisionSchool(copycat, group)).rejects.toBeInstanceOf(SlugTakenError);
    expect(await databaseExists(schoolResourceNames(copycat.schoolId).database)).toBe(false);
    expect(await new TenantDirectory().getSchool(copycat.schoolId)).toBeUndefined();
  });

  it('leaves nothing behind when a step fails: no database, role or secret, the slug free, the school FAILED', async () => {
    const broken = school('brokenvale');
    const failing: Migration[] = [
      ...schoolMigrations,
      { version: latestSchemaVersion + 1, name: 'broken', statements: ['CREATE TABLE oops (id nonsense_type)'] },
    ];
    await expect(provisionSchool(broken, group, { migrations: failing })).rejects.toMatchObject({
      name: 'DatabaseErrorException',
    });
    const names = schoolResourceNames(broken.schoolId);
    expect(await databaseExists(names.database)).toBe(false);
    expect(await roleExists(names.role)).toBe(false);
    await expect(
      new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: names.secretName })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const record = await new TenantDirectory().getSchool(broken.schoolId);
    expect(record?.status).toBe('FAILED');
    expect(record?.failureReason).toMatch(/nonsense_type/);
    // The slug is free again for a fresh attempt.
    expect((await provisionSchool(school('brokenvale'), group)).status).toBe('ACTIVE');
  });

  it("isolates schools in the database itself: one school's role cannot reach another's rows", async () => {
    const north = await provisionSchool(school('northfield'), group);
    const south = await provisionSchool(school('southfield'), group);
    const southSession = schoolSession(south, group.resourceArn);
    await southSession.execute(
      "INSERT INTO students (admission_no, given_name, family_name) VALUES ('S-1', 'Sam', 'South')",
    );
    // A handler given the other school's database name but its own credentials.
    const trespass = new DataApiSession({
      resourceArn: group.resourceArn,
      secretArn: north.secretArn!,
      database: south.database,
    });
    await expect(trespass.query('SELECT * FROM students')).rejects.toThrow(
      /permission denied for database|not permitted/i,
    );
    expect(await schoolSession(north, group.resourceArn).query('SELECT * FROM students')).toEqual([]);
  });

  it('keeps the audit log append-only, even for the school role that owns it', async () => {
    const record = await provisionSchool(school('auditford'), group);
    const session = schoolSession(record, group.resourceArn);
    await session.execute("INSERT INTO audit_log (actor, action, entity) VALUES ('u1', 'create', 'student')");
    await expect(session.execute("UPDATE audit_log SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(session.execute('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    expect(await session.query('SELECT actor FROM audit_log')).toEqual([{ actor: 'u1' }]);
  });
});

describe('local Secrets Manager endpoint', () => {
  it('creates a secret the Data API accepts at once, and refuses a second one of the same name', async () => {
    const client = new SecretsManagerClient({});
    const created = await client.send(
      new CreateSecretCommand({
        Name: 'campus-local/test/master-copy',
        SecretString: JSON.stringify({
          username: 'postgres',
          password: platform.secrets.get(group.masterSecretArn).password,
        }),
      }),
    );
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:campus-local\/test\/master-copy-/);
    const session = new DataApiSession({
      resourceArn: group.resourceArn,
      secretArn: created.ARN!,
      database: 'postgres',
    });
    expect(await session.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await expect(
      client.send(
        new CreateSecretCommand({
          Name: 'campus-local/test/master-copy',
          SecretString: '{"username":"a","password":"b"}',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });
});
