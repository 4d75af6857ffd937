import * as z from 'zod';

/**
 * School data exports: what the API records and queues, and what the exports worker reads.
 * Attendance and grades are written in the columns their CSV imports take, so an exported
 * file can be imported again.
 */
export const exportKinds = ['students', 'attendance', 'grades'] as const;
export type ExportKind = (typeof exportKinds)[number];

const date = z.iso.date();

/** What to export: a kind and its filters. */
export const exportRequest = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('students'),
      status: z.enum(['active', 'withdrawn', 'graduated']).optional(),
      classId: z.uuid().optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('attendance'), from: date, to: date, classId: z.uuid().optional() })
    .strict()
    .refine((range) => range.from <= range.to, { message: 'must not be after to', path: ['from'] })
    .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 400 * 86_400_000, {
      message: 'may span at most 400 days',
      path: ['to'],
    }),
  z.object({ kind: z.literal('grades'), termId: z.uuid().optional() }).strict(),
]);
export type ExportRequest = z.infer<typeof exportRequest>;

/** The message the API sends to the exports queue: which request of which school. */
export const exportJobMessage = z.object({ schoolId: z.string().min(1), exportId: z.uuid() }).strict();
export type ExportJobMessage = z.infer<typeof exportJobMessage>;

/** Where an export's file lives in the exports bucket: under its school, so a school's objects can be listed and removed together. */
export function exportObjectKey(schoolId: string, exportId: string, kind: ExportKind): string {
  return `schools/${schoolId}/exports/${exportId}/${kind}.csv`;
}
