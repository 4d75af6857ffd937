import * as z from 'zod';
import { analyticsOverview } from '../analytics/analytics.schemas';

const count = z.number().int();

/** The school at a glance: what the admin's home screen charts. */
export const schoolDashboard = z.object({
  /** Today in the school's time zone. */
  today: z.iso.date(),
  attendanceToday: z.object({
    present: count,
    late: count,
    absent: count,
    excused: count,
    /** Active students with no mark yet today. */
    unmarked: count,
  }),
  /** School days with marks in the last six weeks, oldest first: the share present or late. */
  attendanceTrend: z.array(z.object({ date: z.iso.date(), rate: z.number(), marked: count })),
  /** The term the grades are from (the latest that has started), if any. */
  term: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** Subject results of active students in that term, counted per band of the school's grading scale, best band first. */
  gradeDistribution: z.array(z.object({ label: z.string(), minPercent: z.number(), results: count })),
  /** The school's at-risk figures and the spread of risk, as `GET /api/v1/analytics/overview` gives them. */
  risk: analyticsOverview,
  fees: z.object({
    invoicedMinor: z.number().int(),
    /** Invoiced with a due date on or before today. */
    dueMinor: z.number().int(),
    collectedMinor: z.number().int(),
    /** What students owe on invoices past due, after their payments. */
    overdueMinor: z.number().int(),
    studentsOverdue: count,
  }),
  /** Families' data requests still owed, those past their due date, and the nearest due date. */
  privacyRequests: z.object({ open: count, overdue: count, nextDueOn: z.iso.date().nullable() }),
});
export type SchoolDashboard = z.infer<typeof schoolDashboard>;
