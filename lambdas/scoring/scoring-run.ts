import * as z from 'zod';
import { analyticsSettingsOf } from '../shared/analytics-settings';
import type { DataApiSession } from '../shared/data-api';
import type { ScoringRuns, ScoringTrigger } from '../shared/scoring-runs';
import { taskErrorMessage } from '../shared/task-failure';
import type { SchoolRecord, TenantDirectory } from '../shared/tenant-directory';
import type { ChunkDescriptor } from './chunk-features';
import { atRiskModel, type SchoolScoringSettings, scoreChunk, scoringActor } from './chunk-scoring';
import { defaultChunkSize, planSchool } from './scoring-plan';
import { removeUnpermittedAnalytics } from './unpermitted-analytics';
import { measureTrackRecord } from './track-record';

/** What the scoring run's steps work with; the handler makes them from its environment. */
export interface ScoringPorts {
  readonly directory: Pick<TenantDirectory, 'getSchool' | 'listSchools'>;
  readonly runs: ScoringRuns;
  /** A session on the school's own database, under its own role. */
  readonly session: (school: SchoolRecord) => Promise<DataApiSession>;
  /** Queues the school's analytics report for the run; safe to call again for the same run. */
  readonly queueSchoolReport: (db: DataApiSession, schoolId: string, runId: string) => Promise<void>;
}

/** What starts a run: the schedule (every ACTIVE school), a school admin or an operator (one school or all). */
export const scoringRunInput = z
  .object({
    trigger: z.enum(['schedule', 'api', 'operator']).default('schedule'),
    schoolId: z.string().min(1).optional(),
    requestedBy: z.string().min(1).max(200).optional(),
    chunkSize: z.int().min(10).max(2000).default(defaultChunkSize),
  })
  .strict();
export type ScoringRunInput = z.input<typeof scoringRunInput>;

export interface RunStart {
  readonly runId: string;
  readonly trigger: ScoringTrigger;
  readonly chunkSize: number;
  readonly schools: readonly { schoolId: string }[];
}

/** The schools to score, and the run recorded; a school that is not ACTIVE has nothing scored. */
export async function startRun(event: { runId: string; input: unknown }, ports: ScoringPorts): Promise<RunStart> {
  const input = scoringRunInput.parse(event.input ?? {});
  const runId = event.runId;
  const schools: { schoolId: string }[] = [];
  if (input.schoolId) {
    const school = await ports.directory.getSchool(input.schoolId);
    if (school?.status === 'ACTIVE') schools.push({ schoolId: school.schoolId });
  } else {
    let after: string | undefined;
    do {
      const page = await ports.directory.listSchools('ACTIVE', { limit: 100, after });
      schools.push(...page.items.map((school) => ({ schoolId: school.schoolId })));
      after = page.nextAfter ?? undefined;
    } while (after);
  }
  await ports.runs.startRun({
    runId,
    trigger: input.trigger,
    scope: input.schoolId ?? 'all',
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    schools: schools.length,
    modelVersion: atRiskModel.version,
  });
  return { runId, trigger: input.trigger, chunkSize: input.chunkSize, schools };
}

async function activeSchool(ports: ScoringPorts, schoolId: string): Promise<SchoolRecord> {
  const school = await ports.directory.getSchool(schoolId);
  // A school suspended or moved away since the run began is not written to.
  if (school?.status !== 'ACTIVE')
    throw new SchoolNotScorableError(`School ${schoolId} is ${school?.status ?? 'gone'}.`);
  return school;
}

/** A school left ACTIVE during the run; its part ends FAILED with this reason, the others go on. */
export class SchoolNotScorableError extends Error {
  override readonly name = 'SchoolNotScorable';
}

export interface SchoolChunks {
  readonly runId: string;
  readonly schoolId: string;
  readonly settings: SchoolScoringSettings;
  readonly chunks: readonly ChunkDescriptor[];
}

/**
 * Measures how the model has done at the school (its track record of the last year that has
 * ended, and the calibration that follows: one read, one write), plans its chunks with that
 * calibration (one read), and records its part of the run.
 */
export async function planSchoolRun(
  event: { runId: string; trigger: ScoringTrigger; chunkSize?: number; schoolId: string },
  ports: ScoringPorts,
): Promise<SchoolChunks> {
  const school = await activeSchool(ports, event.schoolId);
  const db = await ports.session(school);
  await measureTrackRecord(db, atRiskModel);
  // What the school may no longer score goes before the run writes what it may.
  await removeUnpermittedAnalytics(db.as({ actor: scoringActor, requestId: event.runId }));
  const plan = await planSchool(db, event.chunkSize ?? defaultChunkSize);
  if (!plan) throw new SchoolNotScorableError(`School ${school.schoolId} has no settings (pass mark) to score by.`);
  await ports.runs.planSchool(
    { runId: event.runId, trigger: event.trigger, modelVersion: atRiskModel.version },
    school.schoolId,
    { chunksTotal: plan.chunks.length, studentsTotal: plan.students },
  );
  return { runId: event.runId, schoolId: school.schoolId, settings: plan.settings, chunks: plan.chunks };
}

/** Scores one chunk (one read, one write) and counts it once in the run's progress. */
export async function scoreRunChunk(
  event: { runId: string; schoolId: string; settings: SchoolScoringSettings; chunk: ChunkDescriptor },
  ports: ScoringPorts,
): Promise<{ chunkId: string; students: number; roundTrips: number }> {
  const school = await activeSchool(ports, event.schoolId);
  const settings = {
    passMark: event.settings.passMark,
    analytics: analyticsSettingsOf(event.settings.analytics),
    // A run planned before calibrations existed carries none in its chunks' input.
    calibration: event.settings.calibration ?? {},
  };
  const outcome = await scoreChunk(await ports.session(school), event.chunk, settings, event.runId);
  await ports.runs.recordChunk(event.runId, school.schoolId, event.chunk.chunkId, outcome);
  return { chunkId: event.chunk.chunkId, students: outcome.students, roundTrips: outcome.roundTrips };
}

/** A school's chunks are all scored: its part is DONE and its analytics report is queued. */
export async function finishSchoolRun(event: { runId: string; schoolId: string }, ports: ScoringPorts) {
  const school = await activeSchool(ports, event.schoolId);
  await ports.queueSchoolReport(await ports.session(school), school.schoolId, event.runId);
  await ports.runs.finishSchool(event.runId, school.schoolId, { status: 'DONE' });
  return { schoolId: school.schoolId, status: 'DONE' as const };
}

/** A school's part failed (after its retries); the rest of the run goes on. */
export async function failSchoolRun(
  event: { runId: string; schoolId: string; error?: { Error?: string; Cause?: string } },
  ports: ScoringPorts,
) {
  const reason = taskErrorMessage(event.error?.Cause) ?? event.error?.Error ?? 'unknown error';
  await ports.runs.finishSchool(event.runId, event.schoolId, { status: 'FAILED', failure: reason.slice(0, 500) });
  return { schoolId: event.schoolId, status: 'FAILED' as const };
}

/** The run's end, with its figures. */
export async function finishRun(event: { runId: string }, ports: ScoringPorts) {
  return ports.runs.finishRun(event.runId);
}
