import * as z from 'zod';

const name = z.string().trim().min(1).max(100);
const isoDate = z.iso.date();

export const studentId = z.object({ studentId: z.uuid() }).strict();

export const newStudent = z
  .object({
    admissionNo: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9][A-Za-z0-9/._-]*$/, 'letters, digits and / . _ - only'),
    givenName: name,
    familyName: name,
    dateOfBirth: isoDate.optional(),
    classId: z.uuid().optional(),
    enrolledOn: isoDate.optional(),
    /** School years repeated before; the at-risk model reads it. @default 0 */
    repeatedYears: z.int().min(0).max(10).optional(),
  })
  .strict();
export type NewStudent = z.infer<typeof newStudent>;

export const studentChange = newStudent
  .omit({ admissionNo: true, enrolledOn: true })
  .partial()
  .extend({ classId: z.uuid().nullable().optional(), dateOfBirth: isoDate.nullable().optional() })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'Nothing to change.');
export type StudentChange = z.infer<typeof studentChange>;

export const withdrawal = z.object({ on: isoDate, reason: z.string().trim().min(1).max(500) }).strict();

/** `erased`: the pseudonymous record an erasure keeps grades and fees under (no name, no birth date). */
export const studentStatus = z.enum(['active', 'withdrawn', 'graduated', 'erased']);

export const studentListQuery = z
  .object({
    q: z.string().trim().min(1).max(100).optional(),
    classId: z.uuid().optional(),
    status: studentStatus.optional(),
    sort: z.enum(['name', 'admissionNo']).default('name'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type StudentListQuery = z.infer<typeof studentListQuery>;

export const student = z.object({
  id: z.uuid(),
  admissionNo: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  dateOfBirth: isoDate.nullable(),
  classId: z.uuid().nullable(),
  className: z.string().nullable(),
  status: studentStatus,
  enrolledOn: isoDate,
  withdrawnOn: isoDate.nullable(),
  repeatedYears: z.number().int(),
});
export type Student = z.infer<typeof student>;

export const studentPage = z.object({ items: z.array(student), nextCursor: z.string().nullable() });

export const studentProfile = student.extend({
  guardians: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      relationship: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  ),
  attendance: z.object({ days: z.number().int(), present: z.number().int(), rate: z.number().nullable() }),
  latestGrades: z.array(
    z.object({ subject: z.string(), term: z.string(), percent: z.number(), assessments: z.number().int() }),
  ),
  feeBalanceMinor: z.number().int(),
  /**
   * The latest at-risk score, once the student has been scored: the chance of ending the
   * year below the pass mark and what pushes it. Guardians see it only if the school
   * chose so in its analytics settings (otherwise null for them).
   */
  risk: z
    .object({
      risk: z.number(),
      setup: z.enum(['A', 'B', 'C']),
      drivers: z.array(z.object({ feature: z.string(), contribution: z.number(), text: z.string() })),
      modelVersion: z.string(),
      scoredAt: z.string(),
    })
    .nullable(),
});
export type StudentProfile = z.infer<typeof studentProfile>;

/** How a list of a class (register, grades) names each student. */
export const studentInList = z.object({
  studentId: z.uuid(),
  admissionNo: z.string(),
  givenName: z.string(),
  familyName: z.string(),
});
