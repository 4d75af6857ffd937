/**
 * The API's request and response types, taken from its zod schemas (type-only imports: nothing
 * of the API's code reaches the bundle). A change to the API's shapes shows up here at compile time.
 */
import type * as z from 'zod';
import type * as analytics from '../../../lambdas/api/analytics/analytics.schemas';
import type * as attendance from '../../../lambdas/api/attendance/attendance.schemas';
import type * as students from '../../../lambdas/api/students/student.schemas';

export type { MeResponse as Me } from '../../../lambdas/api/session/get-me.handler';
export type { MyClasses, SchoolSettings } from '../../../lambdas/api/structure/structure.schemas';
export type { Student, StudentProfile, NewStudent, StudentChange } from '../../../lambdas/api/students/student.schemas';
export type {
  ClassDaySheet,
  ClassMarks,
  DailySummary,
  StudentAttendance,
} from '../../../lambdas/api/attendance/attendance.schemas';
export type { AnalyticsOverview, StudentAnalyticsView } from '../../../lambdas/api/analytics/analytics.schemas';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export type StudentStatus = z.infer<typeof students.studentStatus>;
export type AttendanceStatus = z.infer<typeof attendance.attendanceStatus>;
export type AtRiskStudent = z.infer<typeof analytics.atRiskStudent>;
