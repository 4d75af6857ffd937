import { randomBytes } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DataApiSession } from '../shared/data-api';
import { stagePrefixOf } from '../shared/resource-names';
import { readRuntime } from '../shared/runtime';
import { migrateSchoolDatabase } from '../shared/schema-migrations';
import { schoolIdTag } from '../shared/tenant-credentials';
import { type SchoolRecord, TenantDirectory } from '../shared/tenant-directory';
import type { Migration } from '../../layers/migrations';

/** A shard group as provisioning needs it: its cluster and the master user's secret. */
export interface ShardGroupAccess {
  readonly id: string;
  readonly resourceArn: string;
  readonly masterSecretArn: string;
}

/**
 * How school secrets are kept: the key that encrypts them and the region they are
 * replicated to for disaster recovery, with its key there. @default the account's default
 * Secrets Manager key, no replica (the local platform)
 */
export interface SchoolSecretsOptions {
  readonly kmsKeyId?: string;
  readonly replica?: { readonly region: string; readonly kmsKeyId: string };
}

export interface NewSchool {
  readonly schoolId: string;
  readonly slug: string;
  readonly name: string;
  readonly plan: string;
}

/** School ids become PostgreSQL identifiers, so they are kept to a strict, safe alphabet. */
const schoolIdPattern = /^[a-z][a-z0-9]{7,31}$/;

export function newSchoolId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `s${[...randomBytes(15)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

/** The names a school's database, role and secret have; the same on every retry. */
export function schoolResourceNames(schoolId: string, stage = readRuntime().stage) {
  if (!schoolIdPattern.test(schoolId)) throw new Error(`Invalid school id ${JSON.stringify(schoolId)}.`);
  return {
    /** Database and its owning role share the name. */
    database: `school_${schoolId}`,
    role: `school_${schoolId}`,
    secretName: `${stagePrefixOf(stage)}/schools/${schoolId}`,
  };
}

const sqlState = (error: unknown) => /SQLState: (\w{5})/.exec((error as Error).message ?? '')?.[1];

let secretsClient: SecretsManagerClient | undefined;
const secrets = () => (secretsClient ??= new SecretsManagerClient({}));

/**
 * The school role's secret: created once with a fresh password; a retry reads the one
 * already there, so role, secret and password always agree.
 */
async function ensureSecret(
  schoolId: string,
  names: ReturnType<typeof schoolResourceNames>,
  options: SchoolSecretsOptions,
): Promise<{ arn: string; password: string }> {
  const password = randomBytes(24).toString('base64url');
  try {
    const created = await secrets().send(
      new CreateSecretCommand({
        Name: names.secretName,
        SecretString: JSON.stringify({ engine: 'postgres', username: names.role, password, dbname: names.database }),
        // The tenant role reads only secrets tagged with the school of its session (ABAC).
        Tags: [{ Key: schoolIdTag, Value: schoolId }],
        ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
        ...(options.replica
          ? { AddReplicaRegions: [{ Region: options.replica.region, KmsKeyId: options.replica.kmsKeyId }] }
          : {}),
      }),
    );
    return { arn: created.ARN!, password };
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    const existing = await secrets().send(new GetSecretValueCommand({ SecretId: names.secretName }));
    return { arn: existing.ARN!, password: (JSON.parse(existing.SecretString!) as { password: string }).password };
  }
}

/** Creates (or, on a retry, re-asserts) the school's role and database in its shard group. */
async function ensureRoleAndDatabase(
  master: DataApiSession,
  names: ReturnType<typeof schoolResourceNames>,
  password: string,
): Promise<void> {
  // DDL takes no parameters; the names come from a checked id and the password is base64url.
  try {
    await master.execute(`CREATE ROLE "${names.role}" LOGIN PASSWORD '${password}'`);
  } catch (error) {
    if (sqlState(error) !== '42710') throw error;
    await master.execute(`ALTER ROLE "${names.role}" LOGIN PASSWORD '${password}'`);
  }
  // Aurora's master is not a superuser: it must hold the role to create a database it owns.
  await master.execute(`GRANT "${names.role}" TO CURRENT_USER`);
  try {
    await master.execute(`CREATE DATABASE "${names.database}" OWNER "${names.role}"`);
  } catch (error) {
    if (sqlState(error) !== '42P04') throw error;
  }
  // Only the school's role (and the master) may connect: layer 3 of tenant isolation.
  await master.execute(`REVOKE ALL ON DATABASE "${names.database}" FROM PUBLIC`);
}

/**
 * The school's secret, role and database in its shard group; safe to repeat (a retry
 * reads the secret already made and re-asserts the role with its password).
 */
export async function createSchoolDatabase(
  schoolId: string,
  shardGroup: ShardGroupAccess,
  secrets: SchoolSecretsOptions = {},
): Promise<{ secretArn: string; database: string }> {
  const names = schoolResourceNames(schoolId);
  const secret = await ensureSecret(schoolId, names, secrets);
  await ensureRoleAndDatabase(masterSession(shardGroup), names, secret.password);
  return { secretArn: secret.arn, database: names.database };
}

/** The shard group's master session, on its `postgres` database. */
export function masterSession(shardGroup: ShardGroupAccess): DataApiSession {
  return new DataApiSession({
    resourceArn: shardGroup.resourceArn,
    secretArn: shardGroup.masterSecretArn,
    database: 'postgres',
  });
}

/** Drops the school's database and role in one shard group (the secret, shared by every group, stays). */
export async function dropSchoolDatabase(shardGroup: ShardGroupAccess, schoolId: string): Promise<void> {
  const names = schoolResourceNames(schoolId);
  const master = masterSession(shardGroup);
  await master.execute(`DROP DATABASE IF EXISTS "${names.database}" WITH (FORCE)`);
  await master.execute(`DROP ROLE IF EXISTS "${names.role}"`);
}

/** Removes what provisioning made, in reverse; each step tolerates a part already gone. */
export async function removeSchoolDatabase(shardGroup: ShardGroupAccess, schoolId: string): Promise<void> {
  const names = schoolResourceNames(schoolId);
  await dropSchoolDatabase(shardGroup, schoolId);
  try {
    await secrets().send(new DeleteSecretCommand({ SecretId: names.secretName, ForceDeleteWithoutRecovery: true }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}

/** The Data API session of a school's own role on its own database. */
export function schoolSession(
  school: Pick<SchoolRecord, 'database' | 'secretArn'>,
  resourceArn: string,
): DataApiSession {
  if (!school.secretArn) throw new Error('The school has no secret yet.');
  return new DataApiSession({ resourceArn, secretArn: school.secretArn, database: school.database });
}

/**
 * Brings a school to ACTIVE in one shard group: register it PROVISIONING (claiming its
 * slug) → secret → role and database → migrations as the school's own role → ACTIVE with
 * its schema version. Every step is idempotent, so a retry with the same school id
 * resumes; on failure everything made is removed, the slug released, and the school left
 * FAILED with the reason. The onboarding workflow runs these same steps as states, with a
 * shard group slot and the first admin around them (`onboarding-steps.ts`).
 */
export async function provisionSchool(
  school: NewSchool,
  shardGroup: ShardGroupAccess,
  options: { directory?: TenantDirectory; migrations?: readonly Migration[]; secrets?: SchoolSecretsOptions } = {},
): Promise<SchoolRecord> {
  const directory = options.directory ?? new TenantDirectory();
  const names = schoolResourceNames(school.schoolId);
  const registered = await directory.registerSchool({
    ...school,
    shardGroupId: shardGroup.id,
    database: names.database,
  });
  if (registered.status !== 'PROVISIONING') return registered;
  try {
    const { secretArn } = await createSchoolDatabase(school.schoolId, shardGroup, options.secrets);
    const migrated = await migrateSchoolDatabase(
      schoolSession({ secretArn, database: names.database }, shardGroup.resourceArn),
      options.migrations,
    );
    return await directory.setStatus(school.schoolId, ['PROVISIONING'], 'ACTIVE', {
      secretArn,
      schemaVersion: migrated.to,
    });
  } catch (error) {
    const reason = `${(error as Error).name}: ${(error as Error).message}`;
    await removeSchoolDatabase(shardGroup, school.schoolId);
    await directory.releaseSlug(school.slug, school.schoolId);
    await directory.setStatus(school.schoolId, ['PROVISIONING'], 'FAILED', { failureReason: reason.slice(0, 1000) });
    throw error;
  }
}
