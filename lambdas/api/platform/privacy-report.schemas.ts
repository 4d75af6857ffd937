import * as z from 'zod';

export const privacyReportQuery = z
  .object({
    /** The period: the last this many days, today included. */
    days: z.coerce.number().int().min(1).max(366).default(30),
  })
  .strict();

const counts = {
  /** Requests made in the period. */
  requested: z.int(),
  /** Requests answered in the period (the file ready, or downloaded). */
  answered: z.int(),
  /** Requests that failed in the period (the school asks again). */
  failed: z.int(),
  /** Requests still owed now, and those of them past their due date. */
  open: z.int(),
  overdue: z.int(),
};

/** Families' data requests across the stage's schools: counts only, never a person. */
export const privacyReport = z.object({
  from: z.iso.date(),
  to: z.iso.date(),
  totals: z.object({ ...counts, schools: z.int() }),
  /** Schools with any request in the period or owed now, most overdue first. */
  schools: z.array(
    z.object({
      schoolId: z.string(),
      slug: z.string(),
      name: z.string(),
      ...counts,
      /** Hours from asking to answered, the median of the period's answers; null with none. */
      medianHoursToAnswer: z.number().nullable(),
    }),
  ),
});
export type PrivacyReport = z.infer<typeof privacyReport>;
