import * as z from 'zod';
import { logger } from './observability';
import { sendToQueue } from './queue-messages';
import { type QueueDefinition, rescoreQueue, schoolRescoreQueue } from './queues';

/**
 * Rescoring after a save: the API names the classes whose attendance or scores changed
 * (fast queue), or the whole school after a bulk import of past data (heavy queue); the
 * workers score them again with the same code as the nightly run.
 */
export const rescoreMessage = z
  .object({
    schoolId: z.string().min(1),
    classIds: z.array(z.uuid()).min(1).max(100),
    reason: z.enum(['attendance', 'scores']),
  })
  .strict();
export type RescoreMessage = z.infer<typeof rescoreMessage>;

export const schoolRescoreMessage = z
  .object({ schoolId: z.string().min(1), reason: z.enum(['attendance-import', 'score-import', 'student-import']) })
  .strict();
export type SchoolRescoreMessage = z.infer<typeof schoolRescoreMessage>;

async function send(queue: QueueDefinition, body: unknown): Promise<void> {
  try {
    await sendToQueue(queue, body);
  } catch (error) {
    // The save is already committed; the nightly run scores these students anyway.
    logger.warn('rescoring could not be queued; the nightly run will score the change', { error });
  }
}

/** Asks for the classes' students to be scored again; never fails the save that changed them. */
export async function requestRescore(message: RescoreMessage): Promise<void> {
  await send(rescoreQueue, rescoreMessage.parse(message));
}

/** Asks for the whole school to be scored again (after a bulk import); never fails the import. */
export async function requestSchoolRescore(message: SchoolRescoreMessage): Promise<void> {
  await send(schoolRescoreQueue, schoolRescoreMessage.parse(message));
}
