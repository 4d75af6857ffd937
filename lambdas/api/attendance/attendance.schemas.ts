import * as z from 'zod';
import { studentInList } from '../students/student.schemas';
import { noRepeats } from '../validation';

export const attendanceStatus = z.enum(['present', 'absent', 'late', 'excused']);

export const classDay = z.object({ classId: z.uuid(), date: z.iso.date() }).strict();

/** Most classes are under 60; the cap keeps one request well inside the Data API's limits. */
export const maxMarksPerRequest = 200;

export const classMarks = z
  .object({
    marks: z
      .array(
        z
          .object({
            studentId: z.uuid(),
            status: attendanceStatus,
            note: z.string().trim().max(500).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(maxMarksPerRequest)
      .superRefine(noRepeats((mark) => mark.studentId, 'studentId', 'is marked twice')),
  })
  .strict();
export type ClassMarks = z.infer<typeof classMarks>;

export const markResult = z.object({ received: z.number().int(), changed: z.number().int() });

export const classDaySheet = z.object({
  classId: z.uuid(),
  date: z.iso.date(),
  students: z.array(studentInList.extend({ status: attendanceStatus.nullable(), note: z.string().nullable() })),
  summary: z.object({
    present: z.number().int(),
    absent: z.number().int(),
    late: z.number().int(),
    excused: z.number().int(),
    unmarked: z.number().int(),
  }),
});
export type ClassDaySheet = z.infer<typeof classDaySheet>;
