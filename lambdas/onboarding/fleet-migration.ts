import * as z from 'zod';
import { latestSchemaVersion } from '../../layers/migrations';
import { schoolSession } from './school-provisioning';
import type { ShardGroupSetting } from '../shared/runtime';
import { migrateSchoolDatabase } from '../shared/schema-migrations';
import type { SchoolRecord, TenantDirectory } from '../shared/tenant-directory';
import { taskErrorMessage } from '../shared/task-failure';
import { parseWorkflowInput } from './workflow-input';

/** The input of the fleet migration state machine. */
export const fleetMigrationRequest = z
  .object({
    /** How many schools may fail before the migration stops after the current wave. @default 0 */
    failureThreshold: z.number().int().min(0).default(0),
    /** The school to migrate first, alone. @default the first pending school by slug */
    canarySlug: z.string().optional(),
    /** Share of the remaining schools in the wave after the canary. @default 10 */
    earlyWavePercent: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type FleetMigrationRequest = z.output<typeof fleetMigrationRequest>;

export interface SchoolRef {
  readonly schoolId: string;
  readonly slug: string;
}

export interface FleetPlan {
  readonly request: FleetMigrationRequest;
  readonly targetVersion: number;
  /** ACTIVE schools already at the target version: nothing to do. */
  readonly upToDate: number;
  readonly waves: { readonly canary: SchoolRef[]; readonly early: SchoolRef[]; readonly rest: SchoolRef[] };
}

export interface SchoolOutcome extends SchoolRef {
  readonly outcome: 'migrated' | 'up-to-date' | 'skipped' | 'failed';
  readonly from?: number;
  readonly to?: number;
  /** For a failure: the error's name, and the cause Step Functions recorded. */
  readonly error?: string;
  readonly cause?: string;
}

export interface FleetPorts {
  readonly directory: TenantDirectory;
  readonly shardGroups: readonly ShardGroupSetting[];
}

export class InvalidFleetRequestError extends Error {
  override readonly name = 'InvalidFleetMigrationRequest';
}

async function activeSchools(directory: TenantDirectory): Promise<SchoolRecord[]> {
  const schools: SchoolRecord[] = [];
  let after: string | undefined;
  do {
    const page = await directory.listSchools('ACTIVE', { limit: 500, ...(after ? { after } : {}) });
    schools.push(...page.items);
    after = page.nextAfter ?? undefined;
  } while (after);
  return schools;
}

/**
 * The waves of a fleet migration: one canary school, then a share of the rest, then all
 * the others; only ACTIVE schools whose directory version is behind are in them.
 */
export async function planWaves(input: unknown, ports: FleetPorts): Promise<FleetPlan> {
  const request = parseWorkflowInput(fleetMigrationRequest, input ?? {}, InvalidFleetRequestError);
  const schools = (await activeSchools(ports.directory)).sort((a, b) => a.slug.localeCompare(b.slug));
  const pending = schools.filter((school) => school.schemaVersion < latestSchemaVersion);
  const ref = (school: SchoolRecord): SchoolRef => ({ schoolId: school.schoolId, slug: school.slug });
  const canaryIndex = request.canarySlug ? pending.findIndex((school) => school.slug === request.canarySlug) : 0;
  if (request.canarySlug && canaryIndex < 0) {
    throw new InvalidFleetRequestError(
      `canarySlug: ${request.canarySlug} is not an ACTIVE school with migrations pending`,
    );
  }
  const canary = pending.slice(canaryIndex, canaryIndex + 1);
  const others = pending.filter((_, i) => i !== canaryIndex);
  const earlyCount = Math.ceil((others.length * request.earlyWavePercent) / 100);
  return {
    request,
    targetVersion: latestSchemaVersion,
    upToDate: schools.length - pending.length,
    waves: {
      canary: canary.map(ref),
      early: others.slice(0, earlyCount).map(ref),
      rest: others.slice(earlyCount).map(ref),
    },
  };
}

/**
 * Migrates one school's database as the school's own role and records the version it
 * reached in the directory. A school that is no longer ACTIVE is skipped; one already up
 * to date is left as it is (the runner re-reads the version under a lock).
 */
export async function migrateSchool(school: SchoolRef, ports: FleetPorts): Promise<SchoolOutcome> {
  const record = await ports.directory.getSchool(school.schoolId);
  if (!record || record.status !== 'ACTIVE' || !record.secretArn) return { ...school, outcome: 'skipped' };
  const group = ports.shardGroups.find((candidate) => candidate.id === record.shardGroupId);
  if (!group)
    throw new Error(`School ${school.slug} is in shard group ${record.shardGroupId}, which this stage does not have.`);
  const result = await migrateSchoolDatabase(schoolSession(record, group.resourceArn));
  await ports.directory.recordSchemaVersion(school.schoolId, result.to);
  // Only what the report needs: every outcome travels in the execution's state.
  return { ...school, outcome: result.applied.length ? 'migrated' : 'up-to-date', from: result.from, to: result.to };
}

export interface FleetResults {
  readonly canary?: SchoolOutcome[];
  readonly early?: SchoolOutcome[];
  readonly rest?: SchoolOutcome[];
}

/** Every school's outcome in the waves run so far. */
const outcomesOf = (results: FleetResults): SchoolOutcome[] =>
  [results.canary, results.early, results.rest].flatMap((wave) => wave ?? []);

/** After a wave: stop if more schools failed, across the waves so far, than the threshold allows. */
export function checkWaves(plan: FleetPlan, results: FleetResults): { stop: boolean; failed: number } {
  const failed = outcomesOf(results).filter((outcome) => outcome.outcome === 'failed').length;
  return { stop: failed > plan.request.failureThreshold, failed };
}

/** What the run did, with each failed school named; `summary` is one line for people. */
export function fleetReport(plan: FleetPlan, results: FleetResults) {
  const outcomes = outcomesOf(results);
  const count = (outcome: SchoolOutcome['outcome']) => outcomes.filter((o) => o.outcome === outcome).length;
  const failed = outcomes
    .filter((o) => o.outcome === 'failed')
    .map(({ slug, schoolId, error, cause }) => ({
      slug,
      schoolId,
      error: `${error}: ${taskErrorMessage(cause) ?? ''}`,
    }));
  const pending = plan.waves.canary.length + plan.waves.early.length + plan.waves.rest.length;
  const notReached = pending - outcomes.length;
  const report = {
    targetVersion: plan.targetVersion,
    migrated: count('migrated'),
    alreadyUpToDate: plan.upToDate + count('up-to-date'),
    skipped: count('skipped'),
    failed,
    notReached,
  };
  const summary =
    `schema ${plan.targetVersion}: ${report.migrated} migrated, ${report.alreadyUpToDate} already up to date, ` +
    `${report.skipped} skipped, ${failed.length} failed` +
    (failed.length ? ` (${failed.map((f) => `${f.slug}: ${f.error}`).join('; ')})` : '') +
    (notReached ? `; stopped before ${notReached} more` : '');
  return { ...report, summary };
}
