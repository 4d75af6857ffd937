import * as z from 'zod';
import { recordParts } from '../../shared/access-log';
import { studentId } from '../students/student.schemas';

export const accessLogPath = studentId;

export const accessLogQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `next` of the page before: older entries. */
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();
export type AccessLogQuery = z.infer<typeof accessLogQuery>;

/** Who read which part of a student's record, newest first. */
export const accessLogPage = z.object({
  items: z.array(
    z.object({
      id: z.number().int(),
      at: z.iso.datetime(),
      part: z.enum(recordParts),
      who: z.string(),
      /** The reader's role at the school: a staff role, or guardian. */
      role: z.enum(['school-admin', 'teacher', 'bursar', 'guardian', 'other']),
      requestId: z.string(),
    }),
  ),
  /** Pass as `before` for older entries; null at the oldest. */
  next: z.number().int().nullable(),
});
export type AccessLogPage = z.infer<typeof accessLogPage>;
