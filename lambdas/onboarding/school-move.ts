import * as z from 'zod';
import { schoolMigrations } from '../../layers/migrations';
import { type DataApiSession } from '../shared/data-api';
import type { ShardGroupSetting } from '../shared/runtime';
import { migrateSchoolDatabase } from '../shared/schema-migrations';
import type { ShardGroupSlots } from '../shared/shard-group-slots';
import { type SchoolRecord, SchoolStatusConflictError, type TenantDirectory } from '../shared/tenant-directory';
import { type ArchiveManifest, type ArchiveStore, exportSchoolArchive, importSchoolArchive } from './school-archive';
import {
  createSchoolDatabase,
  dropSchoolDatabase,
  masterSession,
  type SchoolSecretsOptions,
  schoolResourceNames,
  schoolSession,
} from './school-provisioning';
import { parseWorkflowInput } from './workflow-input';

/** What an operator gives to move a school to another shard group. */
export const moveRequest = z
  .object({
    slug: z.string().min(1).max(40),
    targetShardGroupId: z.string().regex(/^[a-z][a-z0-9]{1,11}$/),
  })
  .strict();

export interface MovePorts {
  readonly directory: TenantDirectory;
  readonly slots: ShardGroupSlots;
  readonly shardGroups: readonly ShardGroupSetting[];
  readonly archives: ArchiveStore;
  readonly secrets: SchoolSecretsOptions;
}

/** A move as it goes through the state machine. */
export interface MoveState {
  readonly run: string;
  readonly school: Pick<SchoolRecord, 'schoolId' | 'slug' | 'schemaVersion' | 'secretArn' | 'database'>;
  readonly from: string;
  readonly to: string;
  readonly copy?: { readonly prefix: string; readonly tables: number; readonly rows: number };
}

export class InvalidMoveRequestError extends Error {
  override readonly name = 'InvalidMoveRequest';
}
/** The copy in the target group does not match the source: the move is switched back. */
export class CopyMismatchError extends Error {
  override readonly name = 'CopyMismatch';
}

function group(ports: MovePorts, id: string): ShardGroupSetting {
  const found = ports.shardGroups.find((candidate) => candidate.id === id);
  if (!found) throw new InvalidMoveRequestError(`targetShardGroupId: there is no shard group ${id}`);
  return found;
}

function session(ports: MovePorts, state: MoveState, groupId: string): DataApiSession {
  return schoolSession(state.school, group(ports, groupId).resourceArn);
}

/** First state: checks the request; the school must be ACTIVE (or already MOVING, for a retried run). */
export async function planMove(input: { request: unknown; run: string }, ports: MovePorts): Promise<MoveState> {
  const request = parseWorkflowInput(moveRequest, input.request, InvalidMoveRequestError);
  const school = await ports.directory.schoolBySlug(request.slug);
  if (!school) throw new InvalidMoveRequestError(`slug: no school is called ${request.slug}`);
  group(ports, request.targetShardGroupId);
  if (school.shardGroupId === request.targetShardGroupId) {
    throw new InvalidMoveRequestError(`targetShardGroupId: ${school.slug} is already in ${school.shardGroupId}`);
  }
  if (school.status !== 'ACTIVE')
    throw new SchoolStatusConflictError(`${school.slug} is ${school.status}, not ACTIVE.`);
  const { schoolId, slug, schemaVersion, secretArn, database } = school;
  return {
    run: input.run,
    school: { schoolId, slug, schemaVersion, secretArn, database },
    from: school.shardGroupId,
    to: request.targetShardGroupId,
  };
}

export async function reserveTarget(state: MoveState, ports: MovePorts) {
  await ports.slots.reserve(state.school.schoolId, ports.shardGroups, state.to);
  return { reserved: state.to };
}

/** Ends every session on the database but the caller's; a new session takes the database's settings. */
async function terminateSessions(master: DataApiSession, database: string): Promise<void> {
  await master.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :database AND pid <> pg_backend_pid()',
    { database },
  );
}

/** MOVING in the directory: API functions refuse writes once their cached record expires. */
export async function markMoving(state: MoveState, ports: MovePorts) {
  await ports.directory.setStatus(state.school.schoolId, ['ACTIVE'], 'MOVING');
  return { status: 'MOVING' };
}

/**
 * Read-only in the database itself: its sessions are cut, and new ones may not write, so
 * no write lands in the source after the copy starts, whatever an API instance has cached.
 */
export async function lockSource(state: MoveState, ports: MovePorts) {
  const master = masterSession(group(ports, state.from));
  const { database } = schoolResourceNames(state.school.schoolId);
  await master.execute(`ALTER DATABASE "${database}" SET default_transaction_read_only = on`);
  await terminateSessions(master, database);
  return { readOnly: true };
}

/**
 * A fresh database in the target group (same role and secret, the source's schema
 * version), loaded from an archive of the source. Starting again replaces a partial copy.
 */
export async function copyDatabase(state: MoveState, ports: MovePorts) {
  const target = group(ports, state.to);
  await dropSchoolDatabase(target, state.school.schoolId);
  await createSchoolDatabase(state.school.schoolId, target, ports.secrets);
  const targetDb = session(ports, state, state.to);
  const sourceVersion = state.school.schemaVersion;
  await migrateSchoolDatabase(
    targetDb,
    schoolMigrations.filter((migration) => migration.version <= sourceVersion),
  );
  const prefix = `schools/${state.school.schoolId}/moves/${state.run}`;
  const manifest = await exportSchoolArchive(session(ports, state, state.from), ports.archives, prefix, {
    schoolId: state.school.schoolId,
    slug: state.school.slug,
    name: state.school.slug,
    schemaVersion: sourceVersion,
  });
  await importSchoolArchive(targetDb, ports.archives, prefix);
  return { prefix, tables: manifest.tables.length, rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0) };
}

/** Row counts and checksums of every table of the copy, against those of the source's archive. */
export async function verifyCopy(state: MoveState, ports: MovePorts) {
  const prefix = state.copy!.prefix;
  const source = JSON.parse(await ports.archives.get(`${prefix}/manifest.json`)) as ArchiveManifest;
  const copy = await exportSchoolArchive(session(ports, state, state.to), ports.archives, `${prefix}/verify`, {
    schoolId: source.schoolId,
    slug: source.slug,
    name: source.name,
    schemaVersion: source.schemaVersion,
  });
  const fingerprint = (manifest: ArchiveManifest) =>
    new Map(
      manifest.tables
        .filter((table) => table.table !== 'schema_migrations')
        .map((table) => [table.table, `${table.rows}/${table.sha256}`]),
    );
  const expected = fingerprint(source);
  const actual = fingerprint(copy);
  const differing = [...new Set([...expected.keys(), ...actual.keys()])].filter(
    (t) => expected.get(t) !== actual.get(t),
  );
  if (differing.length) throw new CopyMismatchError(`The copy differs from the source in ${differing.join(', ')}.`);
  return { tables: expected.size, verified: true };
}

/** The commit point: the directory now sends the school to its new group, ACTIVE there. */
export async function switchDirectory(state: MoveState, ports: MovePorts) {
  const school = await ports.directory.switchShardGroup(state.school.schoolId, state.from, state.to);
  return { shardGroupId: school.shardGroupId, status: school.status };
}

export async function dropSource(state: MoveState, ports: MovePorts) {
  await dropSchoolDatabase(group(ports, state.from), state.school.schoolId);
  return { dropped: state.from };
}

export async function releaseSource(state: MoveState, ports: MovePorts) {
  await ports.slots.release(state.school.schoolId, [state.from]);
  return { released: state.from };
}

// Switching back, before the commit point: the source was never changed but for being read-only.

export async function dropTarget(state: MoveState, ports: MovePorts) {
  await dropSchoolDatabase(group(ports, state.to), state.school.schoolId);
  return { dropped: state.to };
}

export async function releaseTarget(state: MoveState, ports: MovePorts) {
  await ports.slots.release(state.school.schoolId, [state.to]);
  return { released: state.to };
}

/** The source writable again, as before the move. */
export async function unlockSource(state: MoveState, ports: MovePorts) {
  const master = masterSession(group(ports, state.from));
  const { database } = schoolResourceNames(state.school.schoolId);
  await master.execute(`ALTER DATABASE "${database}" RESET default_transaction_read_only`);
  // Sessions opened while it was read-only keep that setting: they are cut too.
  await terminateSessions(master, database);
  return { readOnly: false };
}

/** ACTIVE in its own group again, unless the switch had already happened. */
export async function markBackActive(state: MoveState, ports: MovePorts) {
  const school = await ports.directory.getSchool(state.school.schoolId);
  if (school?.status === 'MOVING' && school.shardGroupId === state.from) {
    await ports.directory.setStatus(state.school.schoolId, ['MOVING'], 'ACTIVE');
  }
  return { status: 'ACTIVE' };
}

export const moveSteps = {
  'reserve-target-slot': reserveTarget,
  'mark-moving': markMoving,
  'lock-source': lockSource,
  'copy-database': copyDatabase,
  'verify-copy': verifyCopy,
  'switch-directory': switchDirectory,
  'drop-source': dropSource,
  'release-source-slot': releaseSource,
  'drop-target': dropTarget,
  'release-target-slot': releaseTarget,
  'unlock-source': unlockSource,
  'mark-back-active': markBackActive,
} as const;

/** The runners of some move steps, for one of the functions that run them. */
export function moveRunners(
  names: readonly (keyof typeof moveSteps | 'plan-move')[],
  ports: () => MovePorts,
): Record<string, (event: Readonly<Record<string, unknown>>) => unknown> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (event: Readonly<Record<string, unknown>>) =>
        name === 'plan-move'
          ? planMove(event as { request: unknown; run: string }, ports())
          : moveSteps[name](event.state as MoveState, ports()),
    ]),
  );
}
