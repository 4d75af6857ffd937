/**
 * The API's request and response types, for clients (the web app): each is what a route's
 * declaration validates or answers, taken from its zod schema. Types only: this module and
 * what it names have no runtime code that could reach a client's bundle (lint keeps it so).
 */
import type * as z from 'zod';
import type * as analytics from './analytics/analytics.schemas';
import type * as attendance from './attendance/attendance.schemas';
import type * as fees from './fees/fee.schemas';
import type * as integrations from './integrations/integration.schemas';
import type * as docs from './docs/docs.routes';
import type * as students from './students/student.schemas';

export type { AnalyticsOverview, StudentAnalyticsView } from './analytics/analytics.schemas';
export type {
  Assessment,
  AssessmentScores,
  ClassGrades,
  ReportCard,
  ScoreEntry,
} from './assessments/assessment.schemas';
export type { ClassDaySheet, ClassMarks, DailySummary, StudentAttendance } from './attendance/attendance.schemas';
export type { AuditEntry } from './audit/audit.schemas';
export type { SchoolDashboard } from './dashboard/dashboard.schemas';
export type { ExportView } from './exports/export.schemas';
export type {
  AnnouncementCreated,
  AnnouncementDraft,
  AnnouncementInput,
  AnnouncementPreview,
  DeliveryReport,
  InboxMessage,
  InboxPage,
  LiveTicket,
  NotificationSettings,
  NotificationSettingsView,
  Preferences,
  PreferencesInput,
  RequestsPage,
  Template,
  TemplateInput,
  TemplateList,
  TemplatePreview,
} from './notifications/notifications.schemas';
export type { PushDevice, PushSettings, PushSubscriptionInput } from './notifications/push-subscriptions.schemas';
export type { AccessLogPage } from './privacy/access-log.schemas';
export type { ConsentList, GuardianConsent, RecordedConsent, StudentConsents } from './privacy/consents.schemas';
export type {
  ExportDownload,
  PrivacyRequestBody,
  PrivacyRequestPage,
  PrivacyRequestView,
} from './privacy/requests.schemas';
export type { RetentionPolicyInput, RetentionPolicyView } from './privacy/retention.schemas';
export type { PrivacyReport } from './platform/privacy-report.schemas';
export type { Audience } from '../shared/notification-audiences';
export type { ChildFeeLines, NewPayment, Receipt, StudentBalance } from './fees/fee.schemas';
export type { HealthReport } from './health/health.schemas';
export type { ImportResult } from './imports/import.schemas';
export type { Integration, NewIntegration } from './integrations/integration.schemas';
export type { OnboardingRun, OnboardingRunDetail } from './platform/onboarding-runs.schemas';
export type { DirectorySchool } from './platform/school-directory.schemas';
export type { Child } from './portal/portal.schemas';
export type { ReportView } from './reports/report.schemas';
export type { MeResponse } from './session/session.schemas';
export type { Invitation, StaffMember } from './staff/staff.schemas';
export type { MyClasses, SchoolSettings } from './structure/structure.schemas';
export type { NewStudent, Student, StudentChange, StudentProfile } from './students/student.schemas';
export type { ExportRequest } from '../shared/export-jobs';
export type { ReportRequest } from '../shared/report-requests';

export type StudentStatus = z.infer<typeof students.studentStatus>;
export type AttendanceStatus = z.infer<typeof attendance.attendanceStatus>;
export type AtRiskStudent = z.infer<typeof analytics.atRiskStudent>;
export type PaymentMethod = z.infer<typeof fees.paymentMethod>;

export type IntegrationWithSecret = z.infer<typeof integrations.integrationWithSecret>;
export type IntegrationDetail = z.infer<typeof integrations.integrationDetail>;
export type IntegrationScope = z.infer<typeof integrations.integrationScope>;
export type ApiVersions = z.infer<typeof docs.ApiVersionsResponse>;
