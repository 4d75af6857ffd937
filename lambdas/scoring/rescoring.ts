import type { DataApiSession } from '../shared/data-api';
import type { RescoreMessage } from '../shared/rescore-jobs';
import { type ChunkOutcome, scoreChunk } from './chunk-scoring';
import { planSchool } from './scoring-plan';

/** Run id that results of a rescoring carry: what caused it, and when. */
export const rescoreRunId = (cause: string, at = new Date()) => `${cause}-${at.toISOString()}`;

/**
 * Scores the students of the named classes again, together (one school): its settings
 * and class plan in one read, then the classes as one chunk (one read, one write).
 */
export async function rescoreClasses(
  db: DataApiSession,
  messages: readonly RescoreMessage[],
  runId: string,
): Promise<ChunkOutcome> {
  const classIds = [...new Set(messages.flatMap((m) => m.classIds))].sort();
  const { settings } = await planSchool(db);
  return scoreChunk(db, { chunkId: 'rescore', classIds, unassigned: false }, settings, runId);
}

/** Scores every active student of the school again, chunk by chunk, as the nightly run would. */
export async function rescoreSchool(db: DataApiSession, runId: string): Promise<{ students: number; chunks: number }> {
  // After a bulk import the planner's statistics lag; refresh them before reading the school whole.
  await db.execute('ANALYZE');
  const plan = await planSchool(db);
  let students = 0;
  for (const chunk of plan.chunks) students += (await scoreChunk(db, chunk, plan.settings, runId)).students;
  return { students, chunks: plan.chunks.length };
}
