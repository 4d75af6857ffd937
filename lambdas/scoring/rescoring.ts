import type { DataApiSession } from '../shared/data-api';
import type { RescoreMessage } from '../shared/rescore-jobs';
import { type ChunkOutcome, scoreChunk } from './chunk-scoring';
import { planSchool } from './scoring-plan';

/** Run id that results of a rescoring carry: what caused it, and when. */
export const rescoreRunId = (cause: string, at = new Date()) => `${cause}-${at.toISOString()}`;

/**
 * Scores the students of the named classes again, together (one school): its settings
 * and class plan in one read, then the classes as one chunk (one read, one write). A
 * school not set up yet (no settings) has nothing scored.
 */
export async function rescoreClasses(
  db: DataApiSession,
  messages: readonly RescoreMessage[],
  runId: string,
): Promise<ChunkOutcome> {
  const classIds = [...new Set(messages.flatMap((m) => m.classIds))].sort();
  const plan = await planSchool(db);
  if (!plan) return { students: 0, atRisk: 0, anomalies: 0, riskNotices: 0, roundTrips: db.roundTrips };
  return scoreChunk(db, { chunkId: 'rescore', classIds, unassigned: false }, plan.settings, runId);
}

/** Scores every active student of the school again, chunk by chunk, as the nightly run would. */
export async function rescoreSchool(db: DataApiSession, runId: string): Promise<{ students: number; chunks: number }> {
  // After a bulk import the planner's statistics lag; refresh them before reading the school whole.
  await db.execute('ANALYZE');
  const plan = await planSchool(db);
  if (!plan) return { students: 0, chunks: 0 };
  let students = 0;
  for (const chunk of plan.chunks) students += (await scoreChunk(db, chunk, plan.settings, runId)).students;
  return { students, chunks: plan.chunks.length };
}
