import * as z from 'zod';
import { studentInList } from '../students/student.schemas';

export const childPath = z.object({ studentId: z.uuid() }).strict();

/** A guardian's children: each with their class and how the guardian is related to them. */
export const myChildren = z.object({
  items: z.array(studentInList.extend({ className: z.string().nullable(), relationship: z.string() })),
});
export type Child = z.infer<typeof myChildren>['items'][number];
