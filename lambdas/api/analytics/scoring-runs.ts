import { randomUUID } from 'node:crypto';
import { auditEntry } from '../../shared/audit-entry';
import type { DataApiSession } from '../../shared/data-api';
import { conflict, notFound } from '../../shared/http';
import type { SchoolRun, ScoringRuns } from '../../shared/scoring-runs';

/** Starts a scoring execution; the Step Functions client on AWS and locally. */
export type StartScoring = (name: string, input: Record<string, unknown>) => Promise<void>;

export type SchoolRunView =
  Omit<SchoolRun, 'schoolId'> | (Pick<SchoolRun, 'runId' | 'trigger'> & { status: 'STARTING' });

/**
 * Starts a scoring run of the caller's school, unless one is already scoring it (409, with
 * its id, so a double click starts one run); the school's audit log records who started it.
 */
export async function startSchoolRun(
  db: DataApiSession,
  runs: ScoringRuns,
  start: StartScoring,
  schoolId: string,
  requestedBy: string,
): Promise<{ runId: string; status: 'STARTING' }> {
  const { items } = await runs.listSchoolRuns(schoolId, { limit: 1 });
  const latest = items[0];
  if (latest?.status === 'SCORING') {
    throw conflict(`A scoring run of this school is already in progress (${latest.runId}).`);
  }
  const runId = randomUUID();
  await start(runId, { trigger: 'api', schoolId, requestedBy });
  await db.query(
    `WITH started AS (SELECT :runId AS id, 'api' AS trigger),
     ${auditEntry({ action: 'start', entity: 'scoring-run', after: 'started', rows: 'one' })}
     SELECT 1`,
    { runId },
  );
  return { runId, status: 'STARTING' };
}

const withoutSchool = ({ schoolId: _schoolId, ...run }: SchoolRun) => run;

/** One run of the caller's school: its progress, or STARTING while the run has not reached the school yet. */
export async function schoolRun(runs: ScoringRuns, schoolId: string, runId: string): Promise<SchoolRunView> {
  const school = await runs.getSchoolRun(runId, schoolId);
  if (school) return withoutSchool(school);
  const run = await runs.getRun(runId);
  if (run && run.scope === schoolId && run.status === 'RUNNING') {
    return { runId, trigger: run.trigger, status: 'STARTING' };
  }
  throw notFound('The scoring run');
}

export async function schoolRuns(runs: ScoringRuns, schoolId: string, page: { limit: number; cursor?: string }) {
  const { items, nextAfter } = await runs.listSchoolRuns(schoolId, { limit: page.limit, after: page.cursor });
  return { items: items.map(withoutSchool), nextCursor: nextAfter };
}
