import * as z from 'zod';
import * as analytics from './analytics/analytics.schemas';
import * as assessments from './assessments/assessment.schemas';
import * as attendance from './attendance/attendance.schemas';
import * as dashboard from './dashboard/dashboard.schemas';
import * as fees from './fees/fee.schemas';
import * as people from './guardians/guardian.schemas';
import * as exportsApi from './exports/export.schemas';
import * as imports from './imports/import.schemas';
import * as onboardingRuns from './platform/onboarding-runs.schemas';
import { pageOf, resourceSchema } from './resource-schema';
import type { ResourceSpec } from './resource-crud';
import * as reports from './reports/report.schemas';
import * as structure from './structure/structure.schemas';
import * as staff from './staff/staff.schemas';
import * as students from './students/student.schemas';
import { pageQuery } from './validation';
import { schoolStatuses } from '../shared/tenant-directory';

/** One route's request and response, as zod schemas: the source of the OpenAPI document. */
export interface RouteContract {
  readonly path?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Absent for a 204. */
  readonly response?: z.ZodType;
  /** @default 200 */
  readonly status?: number;
  /** The route answers with a web page rather than JSON. */
  readonly html?: boolean;
  /** The body is a CSV file (`text/csv`) rather than JSON. */
  readonly csvBody?: boolean;
}

const noContent = { status: 204 } as const;

function resourceContracts(
  path: string,
  spec: ResourceSpec,
  schemas: { create: z.ZodType; change: z.ZodType; list: z.ZodType },
  idParameter = 'id',
): Record<string, RouteContract> {
  const item = resourceSchema(spec);
  const id = z.object({ [idParameter]: z.uuid() });
  const itemPath = `${path}/{${idParameter}}`;
  return {
    [`GET ${path}`]: { query: schemas.list, response: pageOf(item) },
    [`POST ${path}`]: { body: schemas.create, response: item, status: 201 },
    [`GET ${itemPath}`]: { path: id, response: item },
    [`PATCH ${itemPath}`]: { path: id, body: schemas.change, response: item },
    [`DELETE ${itemPath}`]: { path: id, ...noContent },
  };
}

const classPath = z.object({ classId: z.uuid() });
const childPath = z.object({ studentId: z.uuid() });
const schoolStatus = z.enum(schoolStatuses);
const component = z.object({
  status: z.enum(['up', 'down', 'paused']),
  latencyMs: z.number(),
  detail: z.string().optional(),
});

/** A school's part of a scoring run, as the school admin follows it. */
const scoringRun = z.object({
  runId: z.string(),
  status: z.enum(['STARTING', 'SCORING', 'DONE', 'FAILED']),
  trigger: z.enum(['schedule', 'api', 'operator']),
  modelVersion: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  chunksTotal: z.number().int().optional(),
  chunksDone: z.number().int().optional(),
  studentsTotal: z.number().int().optional(),
  studentsScored: z.number().int().optional(),
  atRisk: z.number().int().optional(),
  anomalies: z.number().int().optional(),
  failure: z.string().optional(),
});

/** Every route of the manifest, by route key; a test keeps the two in step. */
export const apiContract: Readonly<Record<string, RouteContract>> = {
  'GET /api/health': {
    response: z.object({
      status: z.enum(['ok', 'degraded']),
      version: z.string(),
      stage: z.string(),
      time: z.iso.datetime(),
      components: z.record(z.string(), component),
    }),
  },
  'GET /api/me': {
    response: z.object({
      userId: z.string(),
      roles: z.array(z.string()),
      schoolId: z.string().optional(),
      school: z
        .object({
          name: z.string(),
          status: z.enum(schoolStatuses),
          access: z.enum(['read-write', 'read-only', 'none']),
        })
        .optional(),
    }),
  },
  'GET /api/dashboard': { response: dashboard.schoolDashboard },
  'GET /api/openapi.json': { response: z.record(z.string(), z.unknown()) },
  'GET /api/docs': { html: true },
  'GET /api/students': { query: students.studentListQuery, response: students.studentPage },
  'POST /api/students': { body: students.newStudent, response: students.student, status: 201 },
  'GET /api/students/{studentId}': { path: students.studentId, response: students.studentProfile },
  'PATCH /api/students/{studentId}': {
    path: students.studentId,
    body: students.studentChange,
    response: students.student,
  },
  'POST /api/students/{studentId}/withdraw': {
    path: students.studentId,
    body: students.withdrawal,
    response: students.student,
  },
  'GET /api/classes/{classId}/attendance/{date}': { path: attendance.classDay, response: attendance.classDaySheet },
  'PUT /api/classes/{classId}/attendance/{date}': {
    path: attendance.classDay,
    body: attendance.classMarks,
    response: attendance.markResult,
  },
  'GET /api/students/{studentId}/attendance': {
    path: attendance.studentPath,
    query: attendance.period,
    response: attendance.studentAttendance,
  },
  'GET /api/attendance/daily': { query: attendance.dailySummaryQuery, response: attendance.dailySummary },
  'GET /api/attendance/chronic-absence': { query: attendance.chronicAbsenceQuery, response: attendance.chronicAbsence },
  'GET /api/portal/children/{studentId}/attendance': {
    path: childPath,
    query: attendance.period,
    response: attendance.studentAttendance,
  },
  ...resourceContracts('/api/academic-years', structure.academicYears, structure.academicYear),
  ...resourceContracts('/api/terms', structure.terms, structure.term),
  ...resourceContracts('/api/grade-levels', structure.gradeLevels, structure.gradeLevel),
  ...resourceContracts('/api/subjects', structure.subjects, structure.subject),
  ...resourceContracts('/api/classes', structure.classes, structure.schoolClass, 'classId'),
  'GET /api/classes/{classId}/assignments': { path: classPath, response: structure.classAssignments },
  'PUT /api/classes/{classId}/assignments': {
    path: classPath,
    body: structure.classAssignments,
    response: structure.classAssignments,
  },
  'GET /api/me/classes': { response: structure.myClasses },
  'GET /api/school/settings': { response: structure.schoolSettings },
  'PUT /api/school/settings': { body: structure.schoolSettings, response: structure.schoolSettings },
  'GET /api/assessments': { query: assessments.assessmentListQuery, response: pageOf(assessments.assessment) },
  'POST /api/assessments': { body: assessments.newAssessment, response: assessments.assessment, status: 201 },
  'GET /api/assessments/{assessmentId}/scores': {
    path: assessments.assessmentPath,
    response: assessments.assessmentScores,
  },
  'PUT /api/assessments/{assessmentId}/scores': {
    path: assessments.assessmentPath,
    body: assessments.scoreEntry,
    response: attendance.markResult,
  },
  'GET /api/classes/{classId}/grades': {
    path: assessments.classGradesPath,
    query: assessments.termQuery,
    response: assessments.classGrades,
  },
  'GET /api/students/{studentId}/report-card': {
    path: assessments.reportCardPath,
    query: assessments.termQuery,
    response: assessments.reportCard,
  },
  ...resourceContracts('/api/fee-structures', fees.feeStructures, fees.feeStructure, 'feeStructureId'),
  'POST /api/fee-structures/{feeStructureId}/invoices': {
    path: fees.feeStructurePath,
    body: fees.invoiceRun,
    response: z.object({ students: z.number().int(), created: z.number().int() }),
  },
  'POST /api/payments': { body: fees.newPayment, response: fees.receipt, status: 201 },
  'GET /api/payments/{paymentId}/receipt': { path: fees.paymentPath, response: fees.receipt },
  'GET /api/fees/balances': { query: fees.balanceQuery, response: pageOf(fees.studentBalance) },
  'GET /api/fees/overdue': { query: fees.overdueQuery, response: pageOf(fees.studentBalance) },
  ...resourceContracts('/api/guardians', people.guardians, people.guardian, 'guardianId'),
  'PUT /api/students/{studentId}/guardians/{guardianId}': {
    path: people.guardianLinkPath,
    body: people.guardianLink,
    response: people.guardianLink.extend({ studentId: z.uuid(), guardianId: z.uuid() }),
  },
  'DELETE /api/students/{studentId}/guardians/{guardianId}': { path: people.guardianLinkPath, ...noContent },
  'GET /api/portal/children': {
    response: z.object({
      items: z.array(students.studentInList.extend({ className: z.string().nullable(), relationship: z.string() })),
    }),
  },
  'GET /api/portal/children/{studentId}': { path: childPath, response: students.studentProfile },
  'GET /api/portal/children/{studentId}/fees': {
    path: childPath,
    response: fees.childFeeLines,
  },
  'GET /api/portal/children/{studentId}/report-card': {
    path: childPath,
    query: assessments.termQuery,
    response: assessments.reportCard,
  },
  'GET /api/audit': {
    query: z.object({
      entity: z.string().optional(),
      entityId: z.string().optional(),
      actor: z.string().optional(),
      limit: pageQuery.limit,
      before: z.coerce.number().int().optional(),
    }),
    response: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          at: z.iso.datetime(),
          actor: z.string(),
          action: z.string(),
          entity: z.string(),
          entityId: z.string().nullable(),
          before: z.unknown(),
          after: z.unknown(),
        }),
      ),
      nextBefore: z.number().int().nullable(),
    }),
  },
  'GET /api/platform/schools': {
    query: z.object({ status: schoolStatus.optional(), ...pageQuery }),
    response: pageOf(
      z.object({
        schoolId: z.string(),
        slug: z.string(),
        name: z.string(),
        shardGroupId: z.string(),
        database: z.string(),
        status: schoolStatus,
        schemaVersion: z.number().int(),
        plan: z.string(),
        createdAt: z.iso.datetime(),
        updatedAt: z.iso.datetime(),
        failureReason: z.string().optional(),
      }),
    ),
  },
  'GET /api/platform/onboarding-runs': {
    query: onboardingRuns.onboardingRunsQuery,
    response: onboardingRuns.onboardingRunPage,
  },
  'GET /api/platform/onboarding-runs/{runName}': {
    path: onboardingRuns.onboardingRunPath,
    response: onboardingRuns.onboardingRunDetail,
  },
  'GET /api/staff': { query: staff.staffListQuery, response: pageOf(staff.staffMember) },
  'POST /api/staff': { body: staff.invitation, response: staff.staffMember, status: 201 },
  'PUT /api/staff/{staffId}/role': { path: staff.staffPath, body: staff.roleChange, response: staff.staffMember },
  'POST /api/staff/{staffId}/deactivate': { path: staff.staffPath, response: staff.staffMember },
  'POST /api/imports/students': { query: imports.importMode, csvBody: true, response: imports.importResult },
  'POST /api/guardians/{guardianId}/invite': { path: people.guardianPath, response: people.guardianInvitation },
  'POST /api/imports/attendance': { query: imports.importMode, csvBody: true, response: imports.importResult },
  'POST /api/imports/scores': { query: imports.importMode, csvBody: true, response: imports.importResult },
  'POST /api/exports': { body: exportsApi.exportRequest, response: exportsApi.exportView, status: 202 },
  'GET /api/exports': { query: exportsApi.exportListQuery, response: pageOf(exportsApi.exportView) },
  'GET /api/exports/{exportId}': { path: exportsApi.exportPath, response: exportsApi.exportView },
  'GET /api/analytics/overview': { response: analytics.analyticsOverview },
  'GET /api/analytics/at-risk': { query: analytics.atRiskQuery, response: analytics.atRiskPage },
  'GET /api/analytics/students/{studentId}': { path: analytics.studentPath, response: analytics.studentAnalytics },
  'GET /api/portal/children/{studentId}/analytics': { path: childPath, response: analytics.studentAnalytics },
  'GET /api/analytics/settings': { response: analytics.analyticsSettings },
  'PUT /api/analytics/settings': { body: analytics.analyticsSettings, response: analytics.analyticsSettings },
  'POST /api/analytics/runs': {
    response: z.object({ runId: z.string(), status: z.literal('STARTING') }),
    status: 202,
  },
  'GET /api/analytics/runs': { query: analytics.runListQuery, response: pageOf(scoringRun) },
  'GET /api/analytics/runs/{runId}': { path: analytics.runPath, response: scoringRun },
  'POST /api/reports': { body: reports.reportRequest, response: reports.reportView, status: 202 },
  'GET /api/reports': { query: reports.reportListQuery, response: pageOf(reports.reportView) },
  'GET /api/reports/{reportId}': { path: reports.reportPath, response: reports.reportView },
};
