import { countryNotServed } from '../shared/jurisdictions';
import { servedCountriesVariable } from '../shared/platform-variables';
import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, typed } from '../shared/data-api';
import { migrateSchoolDatabase } from '../shared/schema-migrations';
import type { ShardGroupSetting } from '../shared/runtime';
import type { ShardGroupSlots } from '../shared/shard-group-slots';
import { SchoolStatusConflictError, type TenantDirectory } from '../shared/tenant-directory';
import { type UserDirectory, UserExistsError } from '../shared/user-directory';
import { type OnboardingRequest, type OnboardingState, onboardingRequest } from './onboarding.schemas';
import { schoolDefaults } from './school-defaults';
import {
  createSchoolDatabase,
  newSchoolId,
  removeSchoolDatabase,
  type SchoolSecretsOptions,
  schoolResourceNames,
  schoolSession,
} from './school-provisioning';
import { taskErrorMessage } from '../shared/task-failure';
import { parseWorkflowInput } from './workflow-input';

/** What the steps work with: the directory, the slots, the shard groups and the user directory. */
export interface OnboardingPorts {
  readonly directory: TenantDirectory;
  readonly slots: ShardGroupSlots;
  readonly shardGroups: readonly ShardGroupSetting[];
  readonly users: UserDirectory;
  /** How school secrets are encrypted and replicated. */
  readonly secrets: SchoolSecretsOptions;
}

/** The input is not a valid onboarding request; the message names each field at fault. */
export class InvalidOnboardingRequestError extends Error {
  override readonly name = 'InvalidOnboardingRequest';
}
/** The first admin's e-mail already has an account (of another school or of the platform). */
export class AdminEmailTakenError extends Error {
  override readonly name = 'AdminEmailTaken';
}

/** The actor the audit log names for what onboarding writes. */
const onboardingActor = 'onboarding';

function groupOf(ports: OnboardingPorts, state: OnboardingState): ShardGroupSetting {
  const id = state.placement?.shardGroupId;
  const group = ports.shardGroups.find((candidate) => candidate.id === id);
  if (!group) throw new Error(`The onboarding of ${state.schoolId} has no shard group (${id ?? 'none'}).`);
  return group;
}

function schoolDatabase(ports: OnboardingPorts, state: OnboardingState): DataApiSession {
  if (!state.database) throw new Error(`The onboarding of ${state.schoolId} has no database yet.`);
  return schoolSession(
    { secretArn: state.database.secretArn, database: schoolResourceNames(state.schoolId).database },
    groupOf(ports, state).resourceArn,
  ).as({ actor: onboardingActor, requestId: `onboarding/${state.schoolId}` });
}

/**
 * First state: checks the request, and that the stage serves the school's country (its data
 * stays in the stage's jurisdiction), and gives the school its id.
 */
export function validateRequest(input: unknown, served = process.env[servedCountriesVariable]): OnboardingState {
  const request: OnboardingRequest = parseWorkflowInput(onboardingRequest, input, InvalidOnboardingRequestError);
  const notServed = countryNotServed(request.country, served);
  if (notServed) throw new InvalidOnboardingRequestError(`country: ${notServed}`);
  return { schoolId: newSchoolId(), request };
}

export async function reserveSlot(state: OnboardingState, ports: OnboardingPorts) {
  const shardGroupId = await ports.slots.reserve(state.schoolId, ports.shardGroups, state.request.shardGroupId);
  return { shardGroupId };
}

export async function registerSchool(state: OnboardingState, ports: OnboardingPorts) {
  const { request } = state;
  const record = await ports.directory.registerSchool({
    schoolId: state.schoolId,
    slug: request.slug,
    name: request.name,
    plan: request.plan,
    shardGroupId: groupOf(ports, state).id,
    database: schoolResourceNames(state.schoolId).database,
  });
  if (record.status !== 'PROVISIONING') {
    throw new SchoolStatusConflictError(`School ${state.schoolId} is ${record.status}, not PROVISIONING.`);
  }
  return { status: record.status };
}

export async function createDatabase(state: OnboardingState, ports: OnboardingPorts) {
  const group = groupOf(ports, state);
  const { secretArn } = await createSchoolDatabase(state.schoolId, group, ports.secrets);
  return { secretArn };
}

export async function runMigrations(state: OnboardingState, ports: OnboardingPorts) {
  const migrated = await migrateSchoolDatabase(schoolDatabase(ports, state));
  return { schemaVersion: migrated.to };
}

/** Settings, the academic year with its terms, and fee categories, in one audited statement; repeating it adds nothing. */
export async function seedDefaults(state: OnboardingState, ports: OnboardingPorts) {
  const defaults = schoolDefaults(state.request);
  const { settings, academicYear } = defaults;
  const [seeded] = await schoolDatabase(ports, state).query<{ terms: number; categories: number }>(
    `WITH settings AS (
       INSERT INTO school_settings (singleton, name, timezone, currency, locale, grading_scale, pass_mark, chronic_absence_rate,
                                    analytics)
       VALUES (true, :name, :timezone, :currency, :locale, :gradingScale, :passMark, :chronicAbsenceRate, :analytics)
       ON CONFLICT (singleton) DO NOTHING
       RETURNING *),
     year AS (
       INSERT INTO academic_years (name, starts_on, ends_on) VALUES (:yearName, :yearStart, :yearEnd)
       ON CONFLICT (name) DO UPDATE SET name = excluded.name
       RETURNING id),
     terms AS (
       INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
       SELECT year.id, t.name, t.starts_on, t.ends_on
         FROM year, jsonb_to_recordset(:terms::jsonb) AS t(name text, starts_on date, ends_on date)
       ON CONFLICT DO NOTHING
       RETURNING *),
     categories AS (
       INSERT INTO fee_categories (code, name)
       SELECT c.code, c.name FROM jsonb_to_recordset(:categories::jsonb) AS c(code text, name text)
       ON CONFLICT DO NOTHING
       RETURNING *),
     ${auditEntry({
       action: 'create',
       entity: 'school-defaults',
       rows: 'many',
       parts: { settings: { after: 'settings' }, terms: { after: 'terms' }, feeCategories: { after: 'categories' } },
     })}
     SELECT (SELECT count(*) FROM terms)::int AS terms, (SELECT count(*) FROM categories)::int AS categories`,
    {
      name: settings.name,
      timezone: settings.timezone,
      currency: settings.currency,
      locale: settings.locale,
      gradingScale: typed.json(settings.gradingScale),
      passMark: typed.decimal(String(settings.passMarkPercent)),
      chronicAbsenceRate: typed.decimal(String(settings.chronicAbsenceRate)),
      analytics: typed.json(defaults.analytics),
      yearName: academicYear.name,
      yearStart: typed.date(academicYear.startsOn),
      yearEnd: typed.date(academicYear.endsOn),
      terms: typed.json(academicYear.terms.map((t) => ({ name: t.name, starts_on: t.startsOn, ends_on: t.endsOn }))),
      categories: typed.json(defaults.feeCategories),
    },
  );
  return { academicYear: academicYear.name, termsAdded: seeded!.terms, feeCategoriesAdded: seeded!.categories };
}

/**
 * Invites the first school admin. A retry finds the account it made before (same school)
 * and goes on; an e-mail that already has another account stops the onboarding.
 */
export async function createAdmin(state: OnboardingState, ports: OnboardingPorts) {
  const { admin } = state.request;
  try {
    const userId = await ports.users.invite({
      email: admin.email,
      name: admin.name,
      role: 'school-admin',
      schoolId: state.schoolId,
    });
    return { email: admin.email, userId };
  } catch (error) {
    if (!(error instanceof UserExistsError)) throw error;
    const account = await ports.users.accountOf(admin.email);
    if (account && account.schoolId === state.schoolId) return { email: admin.email, userId: account.userId };
    throw new AdminEmailTakenError(`${admin.email} already has an account; give another e-mail for the first admin.`);
  }
}

/** The first admin's staff record, tied to their account; a retry finds it written. */
export async function recordAdmin(state: OnboardingState, ports: OnboardingPorts) {
  if (!state.adminUser) throw new Error(`The onboarding of ${state.schoolId} has no admin yet.`);
  const [staff] = await schoolDatabase(ports, state).query<{ id: string }>(
    `WITH changed AS (
       INSERT INTO staff (user_sub, email, name, role, status)
       VALUES (:userId, :email, :name, 'school-admin', 'active')
       ON CONFLICT (user_sub) DO UPDATE SET email = excluded.email
       RETURNING *, xmax = 0 AS inserted),
     -- A retry finds the record written; only the first write is recorded.
     added AS (SELECT id, user_sub, email, name, role, status, created_at FROM changed WHERE inserted),
     ${auditEntry({ action: 'invite', entity: 'staff', after: 'added', rows: 'one', people: ['id'] })}
     SELECT id FROM changed`,
    {
      userId: state.adminUser.userId,
      email: state.adminUser.email,
      name: state.request.admin.name,
    },
  );
  return { staffId: staff!.id };
}

export async function activate(state: OnboardingState, ports: OnboardingPorts) {
  if (!state.database || !state.migration) throw new Error(`The onboarding of ${state.schoolId} is not complete.`);
  const record = await ports.directory.setStatus(state.schoolId, ['PROVISIONING'], 'ACTIVE', {
    secretArn: state.database.secretArn,
    schemaVersion: state.migration.schemaVersion,
  });
  return { status: record.status, schemaVersion: record.schemaVersion, shardGroupId: record.shardGroupId };
}

// Compensation, run in reverse after any failure. Each step undoes only what this
// execution made, and tolerates it being made only in part or not at all.

export async function removeAdmin(state: OnboardingState, ports: OnboardingPorts) {
  await ports.users.removeFromSchool(state.request.admin.email, state.schoolId);
  return { removed: true };
}

export async function removeDatabase(state: OnboardingState, ports: OnboardingPorts) {
  // The database lives in the group the school was placed in; without a placement nothing was made.
  const groups = state.placement ? [groupOf(ports, state)] : [];
  for (const group of groups) await removeSchoolDatabase(group, state.schoolId);
  return { removed: groups.length > 0 };
}

/** The reason an execution failed, in words an operator reads: the error's own message. */
export function failureReason(failure: OnboardingState['failure']): string {
  if (!failure) return 'unknown failure';
  return `${failure.Error ?? 'Error'}: ${taskErrorMessage(failure.Cause) ?? ''}`.slice(0, 1000);
}

/** The school this execution registered, if any, ends FAILED with the reason and gives its slug back. */
export async function markFailed(state: OnboardingState, ports: OnboardingPorts) {
  const reason = failureReason(state.failure);
  const school = await ports.directory.getSchool(state.schoolId);
  if (!school) return { reason, registered: false };
  await ports.directory.releaseSlug(school.slug, state.schoolId);
  await ports.directory.setStatus(state.schoolId, ['PROVISIONING', 'FAILED'], 'FAILED', { failureReason: reason });
  return { reason, registered: true };
}

export async function releaseSlot(state: OnboardingState, ports: OnboardingPorts) {
  await ports.slots.release(
    state.schoolId,
    ports.shardGroups.map((group) => group.id),
  );
  return { released: true };
}

/** The steps a Task can name, forward and compensating. */
export const onboardingSteps = {
  'reserve-slot': reserveSlot,
  'register-school': registerSchool,
  'create-database': createDatabase,
  'run-migrations': runMigrations,
  'seed-defaults': seedDefaults,
  'create-admin': createAdmin,
  'record-admin': recordAdmin,
  activate,
  'remove-admin': removeAdmin,
  'remove-database': removeDatabase,
  'mark-failed': markFailed,
  'release-slot': releaseSlot,
} as const;
export type OnboardingStepName = keyof typeof onboardingSteps | 'validate';

/** The runners of some onboarding steps, for one of the functions that run them. */
export function onboardingRunners(
  names: readonly OnboardingStepName[],
  ports: () => OnboardingPorts,
): Record<string, (event: Readonly<Record<string, unknown>>) => unknown> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      name === 'validate'
        ? (event: Readonly<Record<string, unknown>>) => validateRequest(event.input)
        : (event: Readonly<Record<string, unknown>>) => onboardingSteps[name](event.state as OnboardingState, ports()),
    ]),
  );
}
