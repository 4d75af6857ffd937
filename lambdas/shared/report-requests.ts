import * as z from 'zod';

/**
 * PDF reports: what a school asks for, what the reports worker reads, and where the file
 * goes. The API queues requests from people; the scoring run queues each school's
 * analytics report itself.
 */
export const reportKinds = ['report-cards', 'school-analytics', 'fee-statement'] as const;
export type ReportKind = (typeof reportKinds)[number];

export const reportRequest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('report-cards'),
      termId: z.uuid(),
      /** One student's card, or a page for each student of a class. */
      studentId: z.uuid().optional(),
      classId: z.uuid().optional(),
    })
    .strict()
    .refine((scope) => (scope.studentId === undefined) !== (scope.classId === undefined), {
      message: 'give either studentId or classId',
      path: ['studentId'],
    }),
  z.object({ kind: z.literal('school-analytics') }).strict(),
  z.object({ kind: z.literal('fee-statement'), studentId: z.uuid() }).strict(),
]);
export type ReportRequest = z.infer<typeof reportRequest>;

/** The message on the reports queue: which request of which school. */
export const reportJobMessage = z.object({ schoolId: z.string().min(1), reportId: z.uuid() }).strict();
export type ReportJobMessage = z.infer<typeof reportJobMessage>;

/** Where a report lives in the reports bucket: under its school, so a school's objects go together. */
export function reportObjectKey(schoolId: string, reportId: string, kind: ReportKind): string {
  return `schools/${schoolId}/reports/${reportId}/${kind}.pdf`;
}
