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

const isoDate = z.iso.date();
const ordered = (range: { from: string; to: string }) => range.from <= range.to;

/** A period of school days, at most a year long. */
export const period = z
  .object({ from: isoDate, to: isoDate })
  .strict()
  .refine(ordered, { message: 'must not be before from', path: ['to'] })
  .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 366 * 86_400_000, {
    message: 'must be within a year of from',
    path: ['to'],
  });

export const studentAttendance = z.object({
  studentId: z.uuid(),
  from: isoDate,
  to: isoDate,
  days: z.array(z.object({ date: isoDate, status: attendanceStatus, note: z.string().nullable() })),
  summary: z.object({ days: z.number().int(), present: z.number().int(), rate: z.number().nullable() }),
});
export type StudentAttendance = z.infer<typeof studentAttendance>;

export const dailySummaryQuery = z.object({ date: isoDate }).strict();
const counts = {
  present: z.number().int(),
  absent: z.number().int(),
  late: z.number().int(),
  excused: z.number().int(),
  unmarked: z.number().int(),
};
export const dailySummary = z.object({
  date: isoDate,
  classes: z.array(z.object({ classId: z.uuid(), className: z.string(), ...counts })),
  totals: z.object(counts),
});
export type DailySummary = z.infer<typeof dailySummary>;

export const chronicAbsence = z.object({
  from: isoDate,
  to: isoDate,
  threshold: z.number(),
  students: z.array(
    studentInList.extend({
      className: z.string().nullable(),
      days: z.number().int(),
      present: z.number().int(),
      rate: z.number(),
    }),
  ),
});
export type ChronicAbsence = z.infer<typeof chronicAbsence>;

export const chronicAbsenceQuery = z
  .object({ from: isoDate, to: isoDate, threshold: z.coerce.number().min(0).max(1).optional() })
  .strict()
  .refine(ordered, { message: 'must not be before from', path: ['to'] });
export const studentPath = z.object({ studentId: z.uuid() }).strict();
