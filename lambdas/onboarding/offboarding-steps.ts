import * as z from 'zod';
import { type DataApiSession } from '../shared/data-api';
import type { ShardGroupSetting } from '../shared/runtime';
import type { ShardGroupSlots } from '../shared/shard-group-slots';
import { type SchoolRecord, SchoolStatusConflictError, type TenantDirectory } from '../shared/tenant-directory';
import type { UserDirectory } from '../shared/user-directory';
import { type ArchiveStore, exportSchoolArchive } from './school-archive';
import { removeSchoolDatabase, schoolSession } from './school-provisioning';
import { parseWorkflowInput } from './workflow-input';

/** What an operator gives to take a school off the platform. */
export const offboardingRequest = z
  .object({
    slug: z.string().min(1).max(40),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();
export type OffboardingRequest = z.output<typeof offboardingRequest>;

export interface OffboardingPorts {
  readonly directory: TenantDirectory;
  readonly slots: ShardGroupSlots;
  readonly shardGroups: readonly ShardGroupSetting[];
  readonly users: UserDirectory;
  readonly archives: ArchiveStore;
  /** Days the directory record and the archive of an offboarded school are kept. */
  readonly retentionDays: number;
}

/** An offboarding as it moves through the state machine. */
export interface OffboardingState {
  readonly request: OffboardingRequest;
  /** The execution's name: it names the archive, so a retried export overwrites its own files. */
  readonly run: string;
  readonly school: Pick<SchoolRecord, 'schoolId' | 'slug' | 'name' | 'shardGroupId' | 'status'>;
  readonly archive?: { readonly prefix: string; readonly tables: number; readonly rows: number };
  /** What the operator's approval carried. */
  readonly approval?: { readonly approvedBy?: string };
}

export class InvalidOffboardingRequestError extends Error {
  override readonly name = 'InvalidOffboardingRequest';
}

async function record(ports: OffboardingPorts, schoolId: string): Promise<SchoolRecord> {
  const school = await ports.directory.getSchool(schoolId);
  if (!school) throw new SchoolStatusConflictError(`School ${schoolId} is not registered.`);
  return school;
}

function groupOf(ports: OffboardingPorts, school: Pick<SchoolRecord, 'shardGroupId'>): ShardGroupSetting {
  const group = ports.shardGroups.find((candidate) => candidate.id === school.shardGroupId);
  if (!group) throw new Error(`Shard group ${school.shardGroupId} is not one of this stage's.`);
  return group;
}

async function schoolDatabase(ports: OffboardingPorts, schoolId: string): Promise<DataApiSession> {
  const school = await record(ports, schoolId);
  if (!school.secretArn) throw new Error(`School ${school.slug} has no database secret.`);
  return schoolSession(school, groupOf(ports, school).resourceArn);
}

/** First state: checks the request and finds the school, which must be ACTIVE or SUSPENDED. */
export async function findSchool(input: { request: unknown; run: string }, ports: OffboardingPorts) {
  const request = parseWorkflowInput(offboardingRequest, input.request, InvalidOffboardingRequestError);
  const school = await ports.directory.schoolBySlug(request.slug);
  if (!school) throw new InvalidOffboardingRequestError(`slug: no school is called ${request.slug}`);
  if (school.status !== 'ACTIVE' && school.status !== 'SUSPENDED') {
    throw new SchoolStatusConflictError(
      `${school.slug} is ${school.status}; only an ACTIVE or SUSPENDED school is offboarded.`,
    );
  }
  const { schoolId, slug, name, shardGroupId, status } = school;
  return { request, run: input.run, school: { schoolId, slug, name, shardGroupId, status } };
}

/** Read-only from here: the archive is then a consistent picture of the school. */
export async function suspendSchool(state: OffboardingState, ports: OffboardingPorts) {
  await ports.directory.setStatus(state.school.schoolId, ['ACTIVE'], 'SUSPENDED');
  return { status: 'SUSPENDED' };
}

/** Every table as CSV plus a manifest with row counts and checksums, under the run's own prefix. */
export async function exportArchive(state: OffboardingState, ports: OffboardingPorts) {
  const school = await record(ports, state.school.schoolId);
  // Under the school's own prefix of the exports bucket, which its retention rule keeps.
  const prefix = `schools/${school.schoolId}/offboarding/${state.run}`;
  const manifest = await exportSchoolArchive(await schoolDatabase(ports, school.schoolId), ports.archives, prefix, {
    schoolId: school.schoolId,
    slug: school.slug,
    name: school.name,
    schemaVersion: school.schemaVersion,
  });
  return { prefix, tables: manifest.tables.length, rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0) };
}

/** Keeps the task token where `npm run approve` (or an operator's tool) finds it, then the run waits. */
export async function requestApproval(input: { taskToken: string; state: OffboardingState }, ports: OffboardingPorts) {
  const { state } = input;
  await ports.directory.setStatus(state.school.schoolId, ['SUSPENDED'], 'SUSPENDED', {
    pendingApproval: {
      taskToken: input.taskToken,
      archivePrefix: state.archive!.prefix,
      requestedAt: new Date().toISOString(),
    },
  });
  return { waiting: true };
}

/** Not approved (refused or timed out): the school goes back to how it was; its archive stays. */
export async function cancelOffboarding(state: OffboardingState, ports: OffboardingPorts) {
  const back = state.school.status === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED';
  await ports.directory.setStatus(state.school.schoolId, ['SUSPENDED'], back, { pendingApproval: null });
  return { status: back };
}

export async function beginDeletion(state: OffboardingState, ports: OffboardingPorts) {
  await ports.directory.setStatus(state.school.schoolId, ['SUSPENDED'], 'OFFBOARDING', { pendingApproval: null });
  return { status: 'OFFBOARDING' };
}

/** Removes the account of every member of staff and guardian who has one; a retry skips those gone. */
export async function deleteUsers(state: OffboardingState, ports: OffboardingPorts) {
  const school = await record(ports, state.school.schoolId);
  if (!school.secretArn) return { removed: 0 };
  const db = await schoolDatabase(ports, school.schoolId).catch(() => undefined);
  const accounts = db
    ? await db.query<{ email: string }>(
        `SELECT email FROM staff WHERE user_sub IS NOT NULL
         UNION SELECT email FROM guardians WHERE user_sub IS NOT NULL AND email IS NOT NULL`,
      )
    : [];
  for (const { email } of accounts) await ports.users.removeFromSchool(email, school.schoolId);
  return { removed: accounts.length };
}

export async function deleteDatabase(state: OffboardingState, ports: OffboardingPorts) {
  await removeSchoolDatabase(groupOf(ports, state.school), state.school.schoolId);
  return { removed: true };
}

export async function releaseSlot(state: OffboardingState, ports: OffboardingPorts) {
  await ports.slots.release(
    state.school.schoolId,
    ports.shardGroups.map((group) => group.id),
  );
  return { released: true };
}

/** DELETED, keeping the record and naming the archive, both kept for the retention period. */
export async function markDeleted(state: OffboardingState, ports: OffboardingPorts) {
  const retainUntil = new Date(Date.now() + ports.retentionDays * 86_400_000).toISOString();
  const school = await ports.directory.setStatus(state.school.schoolId, ['OFFBOARDING'], 'DELETED', {
    archivePrefix: state.archive!.prefix,
    retainUntil,
  });
  // The slug stays with the deleted school while its record is kept, so links and reports stay unambiguous.
  return { status: school.status, retainUntil };
}

export const offboardingSteps = {
  'suspend-school': suspendSchool,
  'export-archive': exportArchive,
  'cancel-offboarding': cancelOffboarding,
  'begin-deletion': beginDeletion,
  'delete-users': deleteUsers,
  'delete-database': deleteDatabase,
  'release-offboarded-slot': releaseSlot,
  'mark-deleted': markDeleted,
} as const;

/** The runners of some offboarding steps, for one of the functions that run them. */
export function offboardingRunners(
  names: readonly (keyof typeof offboardingSteps | 'find-school' | 'request-approval')[],
  ports: () => OffboardingPorts,
): Record<string, (event: Readonly<Record<string, unknown>>) => unknown> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (event: Readonly<Record<string, unknown>>) => {
        if (name === 'find-school') return findSchool(event as { request: unknown; run: string }, ports());
        if (name === 'request-approval') {
          return requestApproval(event as unknown as { taskToken: string; state: OffboardingState }, ports());
        }
        return offboardingSteps[name](event.state as OffboardingState, ports());
      },
    ]),
  );
}
