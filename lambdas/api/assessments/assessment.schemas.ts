import * as z from 'zod';
import { studentInList } from '../students/student.schemas';
import { noRepeats } from '../validation';

const score = z.number().min(0).max(100_000).multipleOf(0.01);

export const assessmentPath = z.object({ assessmentId: z.uuid() }).strict();

export const newAssessment = z
  .object({
    classId: z.uuid(),
    subjectId: z.uuid(),
    termId: z.uuid(),
    name: z.string().trim().min(1).max(100),
    maxScore: z.number().positive().max(100_000).multipleOf(0.01),
    weight: z.number().positive().max(100).multipleOf(0.001).default(1),
    heldOn: z.iso.date().optional(),
  })
  .strict();
export type NewAssessment = z.infer<typeof newAssessment>;

export const assessment = z.object({
  id: z.uuid(),
  classId: z.uuid(),
  subjectId: z.uuid(),
  termId: z.uuid(),
  name: z.string(),
  maxScore: z.number(),
  weight: z.number(),
  heldOn: z.iso.date().nullable(),
});
export type Assessment = z.infer<typeof assessment>;

export const assessmentListQuery = z
  .object({
    classId: z.uuid().optional(),
    subjectId: z.uuid().optional(),
    termId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(100),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export const scoreEntry = z
  .object({
    scores: z
      .array(z.object({ studentId: z.uuid(), score }).strict())
      .min(1)
      .max(200)
      .superRefine(noRepeats((entry) => entry.studentId, 'studentId', 'is scored twice')),
  })
  .strict();
export type ScoreEntry = z.infer<typeof scoreEntry>;

/** An assessment with each active student of its class and their score, if entered: the score entry grid. */
export const assessmentScores = z.object({
  assessment,
  students: z.array(studentInList.extend({ score: z.number().nullable() })),
});
export type AssessmentScores = z.infer<typeof assessmentScores>;

export const classGradesPath = z.object({ classId: z.uuid() }).strict();
export const termQuery = z.object({ termId: z.uuid() }).strict();
export const reportCardPath = z.object({ studentId: z.uuid() }).strict();

export const subjectGrade = z.object({
  subjectId: z.uuid(),
  subject: z.string(),
  percent: z.number(),
  grade: z.string(),
  passed: z.boolean(),
  assessments: z.number().int(),
});

export const classGrades = z.object({
  classId: z.uuid(),
  termId: z.uuid(),
  students: z.array(studentInList.extend({ subjects: z.array(subjectGrade) })),
});
export type ClassGrades = z.infer<typeof classGrades>;

export const reportCard = z.object({
  student: z.object({
    id: z.uuid(),
    admissionNo: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    className: z.string().nullable(),
  }),
  term: z.object({ id: z.uuid(), name: z.string(), startsOn: z.iso.date(), endsOn: z.iso.date() }),
  subjects: z.array(subjectGrade),
  averagePercent: z.number().nullable(),
  attendance: z.object({ days: z.number().int(), present: z.number().int(), rate: z.number().nullable() }),
});
export type ReportCard = z.infer<typeof reportCard>;
