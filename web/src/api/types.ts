/**
 * The API's request and response types, taken from its zod schemas (type-only imports: nothing
 * of the API's code reaches the bundle). A change to the API's shapes shows up here at compile time.
 */
import type * as z from 'zod';
import type * as analytics from '../../../lambdas/api/analytics/analytics.schemas';
import type * as fees from '../../../lambdas/api/fees/fee.schemas';
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

export type { SchoolDashboard } from '../../../lambdas/api/dashboard/dashboard.schemas';
export type {
  Assessment,
  AssessmentScores,
  ClassGrades,
  ReportCard,
  ScoreEntry,
} from '../../../lambdas/api/assessments/assessment.schemas';
export type { ChildFeeLines, NewPayment, Receipt, StudentBalance } from '../../../lambdas/api/fees/fee.schemas';
export type { ReportView } from '../../../lambdas/api/reports/report.schemas';
export type { ReportRequest } from '../../../lambdas/shared/report-jobs';
export type { ExportView } from '../../../lambdas/api/exports/export.schemas';
export type { ExportRequest } from '../../../lambdas/shared/export-jobs';
export type { ImportResult } from '../../../lambdas/api/imports/import.schemas';
export type { StaffMember, Invitation } from '../../../lambdas/api/staff/staff.schemas';
export type { OnboardingRun, OnboardingRunDetail } from '../../../lambdas/api/platform/onboarding-runs.schemas';
export type { SchoolRecord } from '../../../lambdas/shared/school-records';

export type PaymentMethod = z.infer<typeof fees.paymentMethod>;

/** A fee structure as the CRUD routes return it. */
export interface FeeStructure {
  readonly id: string;
  readonly termId: string;
  readonly gradeLevelId: string | null;
  readonly category: string;
  readonly name: string;
  readonly amountMinor: number;
  readonly dueOn: string;
}

/** A guardian's child in the portal list. */
export interface Child {
  readonly studentId: string;
  readonly admissionNo: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly className: string | null;
  readonly relationship: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}
