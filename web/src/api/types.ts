/**
 * The API's request and response types, from the API's own declarations (a types-only module:
 * nothing of the API's code reaches the bundle). A change to the API's shapes shows up here at
 * compile time.
 */
export type {
  AccessLogPage,
  ExportDownload,
  PrivacyRequestBody,
  PrivacyRequestPage,
  PrivacyRequestView,
  PrivacyReport,
  RetentionPolicyInput,
  RetentionPolicyView,
  AnalyticsOverview,
  ConsentList,
  GuardianConsent,
  RecordedConsent,
  StudentConsents,
  AnnouncementCreated,
  AnnouncementDraft,
  AnnouncementPreview,
  Audience,
  DeliveryReport,
  InboxMessage,
  InboxPage,
  LiveTicket,
  NotificationSettings,
  NotificationSettingsView,
  Preferences,
  PreferencesInput,
  PushDevice,
  PushSettings,
  PushSubscriptionInput,
  RequestsPage,
  Template,
  TemplateInput,
  TemplateList,
  TemplatePreview,
  Assessment,
  AssessmentScores,
  AtRiskStudent,
  AttendanceStatus,
  AuditEntry,
  Child,
  ChildFeeLines,
  ClassDaySheet,
  ClassGrades,
  ClassMarks,
  DailySummary,
  DirectorySchool,
  ExportRequest,
  ExportView,
  ImportResult,
  Invitation,
  Integration,
  IntegrationDetail,
  IntegrationScope,
  IntegrationWithSecret,
  NewIntegration,
  ApiVersions,
  MeResponse as Me,
  MyClasses,
  NewPayment,
  NewStudent,
  OnboardingRun,
  OnboardingRunDetail,
  PaymentMethod,
  Receipt,
  ReportCard,
  ReportRequest,
  ReportView,
  SchoolDashboard,
  SchoolSettings,
  ScoreEntry,
  StaffMember,
  Student,
  StudentAnalyticsView,
  StudentAttendance,
  StudentBalance,
  StudentChange,
  StudentProfile,
  StudentStatus,
} from '../../../lambdas/api/api-types';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

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
