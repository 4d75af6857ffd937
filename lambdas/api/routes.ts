import type { Role } from '../shared/roles';

/**
 * Platform resources a route's handler uses beyond its school's database and directory
 * record: the school index (`list-schools`), the user pool (`manage-users`), sending to
 * the exports, reports and rescoring queues, reading the exports and reports buckets (to
 * sign download links), the Powertools idempotency table (`idempotency`), starting the
 * scoring run (`start-scoring`) and reading its progress (`read-scoring-runs`), and
 * following the onboarding workflow's executions (`read-onboarding-runs`).
 */
export type RouteGrant =
  | 'list-schools'
  | 'manage-users'
  | 'queue-exports'
  | 'read-exports'
  | 'idempotency'
  | 'queue-reports'
  | 'read-reports'
  | 'queue-rescore'
  | 'start-scoring'
  | 'read-scoring-runs'
  | 'read-onboarding-runs';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Path as API Gateway writes it, with `{name}` parameters, always under `/api`. */
  readonly path: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly handler: string;
  /** `public` needs no token; otherwise a verified token with one of these roles. */
  readonly access: 'public' | readonly Role[];
  /** Platform data the handler reads beyond one school record (the CDK stack grants exactly these). */
  readonly grants?: readonly RouteGrant[];
  readonly summary: string;
}

/** Staff who read the student register. */
const schoolStaff: readonly Role[] = ['school-admin', 'teacher', 'bursar'];

export function studentRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/students/students.handler.ts';
  return [
    {
      method: 'GET',
      path: '/api/students',
      handler,
      access: schoolStaff,
      summary: 'Students: search, filter by class and status, paged.',
    },
    { method: 'POST', path: '/api/students', handler, access: ['school-admin'], summary: 'Enrol a student.' },
    {
      method: 'GET',
      path: '/api/students/{studentId}',
      handler,
      access: schoolStaff,
      summary: 'Student profile: details, guardians, attendance rate, latest grades, fee balance.',
    },
    {
      method: 'PATCH',
      path: '/api/students/{studentId}',
      handler,
      access: ['school-admin'],
      summary: "Change a student's details or class.",
    },
    {
      method: 'POST',
      path: '/api/students/{studentId}/withdraw',
      handler,
      access: ['school-admin'],
      summary: 'Withdraw a student from a date, with a reason.',
    },
  ];
}

export function attendanceRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/attendance/attendance.handler.ts';
  const path = '/api/classes/{classId}/attendance/{date}';
  return [
    {
      method: 'GET',
      path,
      handler,
      access: ['school-admin', 'teacher'],
      summary: "A class's register for a day: its students, their marks and the day's counts.",
    },
    {
      method: 'PUT',
      path,
      handler,
      access: ['school-admin', 'teacher'],
      grants: ['queue-rescore'],
      summary: 'Mark a whole class for a day in one request; safe to send again.',
    },
    {
      method: 'GET',
      path: '/api/students/{studentId}/attendance',
      handler,
      access: ['school-admin', 'teacher'],
      summary: "A student's marks over a period, with the attendance rate.",
    },
    {
      method: 'GET',
      path: '/api/attendance/daily',
      handler,
      access: ['school-admin'],
      summary: "The school's attendance for a day, class by class.",
    },
    {
      method: 'GET',
      path: '/api/attendance/chronic-absence',
      handler,
      access: ['school-admin', 'teacher'],
      summary: "Students attending less than the school's chronic-absence rate over a period.",
    },
  ];
}

const allSchoolRoles: readonly Role[] = ['school-admin', 'teacher', 'bursar', 'guardian'];

/** The five routes of a plain resource: by default staff read it and school admins change it. */
function resourceRoutes(
  path: string,
  handler: string,
  names: { plural: string; singular: string },
  options: { idParameter?: string; readers?: readonly Role[]; writers?: readonly Role[] } = {},
): RouteDefinition[] {
  const { plural, singular } = names;
  const readers = options.readers ?? schoolStaff;
  const writers = options.writers ?? ['school-admin'];
  const item = `${path}/{${options.idParameter ?? 'id'}}`;
  return [
    { method: 'GET', path, handler, access: readers, summary: `List ${plural}, paged.` },
    { method: 'POST', path, handler, access: writers, summary: `Add ${singular}.` },
    { method: 'GET', path: item, handler, access: readers, summary: `Read ${singular}.` },
    { method: 'PATCH', path: item, handler, access: writers, summary: `Change ${singular}.` },
    { method: 'DELETE', path: item, handler, access: writers, summary: `Delete ${singular} nothing refers to.` },
  ];
}

export function structureRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/structure/structure.handler.ts';
  return [
    ...resourceRoutes('/api/academic-years', handler, { plural: 'academic years', singular: 'an academic year' }),
    // Guardians read the terms too: report cards are asked for by term.
    ...resourceRoutes(
      '/api/terms',
      handler,
      { plural: 'terms, by academic year', singular: 'a term' },
      { readers: allSchoolRoles },
    ),
    ...resourceRoutes('/api/grade-levels', handler, { plural: 'grade levels', singular: 'a grade level' }),
    ...resourceRoutes('/api/subjects', handler, { plural: 'subjects', singular: 'a subject' }),
    ...resourceRoutes(
      '/api/classes',
      handler,
      { plural: 'classes, by year and grade', singular: 'a class' },
      { idParameter: 'classId' },
    ),
    {
      method: 'GET',
      path: '/api/classes/{classId}/assignments',
      handler,
      access: schoolStaff,
      summary: 'Who teaches which subject in a class.',
    },
    {
      method: 'PUT',
      path: '/api/classes/{classId}/assignments',
      handler,
      access: ['school-admin'],
      summary: "Replace a class's teaching assignments.",
    },
    {
      method: 'GET',
      path: '/api/me/classes',
      handler,
      access: ['school-admin', 'teacher'],
      summary: "The caller's classes this year (home room or a subject they teach), with their subjects.",
    },
    {
      method: 'GET',
      path: '/api/school/settings',
      handler,
      access: allSchoolRoles,
      summary: "The school's settings: name, time zone, currency, locale, grading scale, pass mark.",
    },
    {
      method: 'PUT',
      path: '/api/school/settings',
      handler,
      access: ['school-admin'],
      summary: "Write the school's settings.",
    },
  ];
}

export function assessmentRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/assessments/assessments.handler.ts';
  const graders: Role[] = ['school-admin', 'teacher'];
  return [
    {
      method: 'GET',
      path: '/api/assessments',
      handler,
      access: schoolStaff,
      summary: 'Assessments by class, subject and term, paged.',
    },
    {
      method: 'POST',
      path: '/api/assessments',
      handler,
      access: graders,
      summary: 'Add an assessment with its maximum score and weight (teachers: for a subject they teach).',
    },
    {
      method: 'GET',
      path: '/api/assessments/{assessmentId}/scores',
      handler,
      access: ['school-admin', 'teacher'],
      summary: "An assessment with its class's active students and their scores (the score entry grid).",
    },
    {
      method: 'PUT',
      path: '/api/assessments/{assessmentId}/scores',
      handler,
      access: graders,
      grants: ['queue-rescore'],
      summary: "Enter or correct an assessment's scores in one request; safe to send again.",
    },
    {
      method: 'GET',
      path: '/api/classes/{classId}/grades',
      handler,
      access: schoolStaff,
      summary: "A class's term grades per subject, on the school's grading scale.",
    },
    {
      method: 'GET',
      path: '/api/students/{studentId}/report-card',
      handler,
      access: schoolStaff,
      summary: "A student's report card for a term: grades, average and attendance.",
    },
  ];
}

export function feeRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/fees/fees.handler.ts';
  const payments = 'lambdas/api/fees/payments.handler.ts';
  // Bursars own fees; school admins may look.
  const readers: Role[] = ['bursar', 'school-admin'];
  const bursar: Role[] = ['bursar'];
  return [
    ...resourceRoutes(
      '/api/fee-structures',
      handler,
      { plural: 'fee structures, by term and grade', singular: 'a fee structure' },
      { idParameter: 'feeStructureId', readers, writers: bursar },
    ),
    {
      method: 'POST',
      path: '/api/fee-structures/{feeStructureId}/invoices',
      handler,
      access: bursar,
      summary:
        'Invoice every student a fee structure applies to (or one class); running it again skips those invoiced.',
    },
    {
      method: 'POST',
      path: '/api/payments',
      handler: payments,
      access: bursar,
      grants: ['idempotency'],
      summary: 'Record a payment; the client key makes sending it twice record it once.',
    },
    {
      method: 'GET',
      path: '/api/payments/{paymentId}/receipt',
      handler: payments,
      access: readers,
      summary: "A payment's receipt with the student's balance.",
    },
    {
      method: 'GET',
      path: '/api/fees/balances',
      handler,
      access: readers,
      summary: 'Invoiced, paid and balance per student, paged.',
    },
    {
      method: 'GET',
      path: '/api/fees/overdue',
      handler,
      access: readers,
      summary: 'Students whose payments do not cover what fell due by a date.',
    },
  ];
}

export function guardianRoutes(): RouteDefinition[] {
  const guardians = 'lambdas/api/guardians/guardians.handler.ts';
  const link = '/api/students/{studentId}/guardians/{guardianId}';
  return [
    ...resourceRoutes(
      '/api/guardians',
      guardians,
      { plural: 'guardians', singular: 'a guardian' },
      { idParameter: 'guardianId' },
    ),
    {
      method: 'PUT',
      path: link,
      handler: guardians,
      access: ['school-admin'],
      summary: 'Link a guardian to a student.',
    },
    { method: 'DELETE', path: link, handler: guardians, access: ['school-admin'], summary: 'Unlink a guardian.' },
    {
      method: 'POST',
      path: '/api/guardians/{guardianId}/invite',
      handler: guardians,
      access: ['school-admin'],
      grants: ['manage-users'],
      summary: 'Invite a guardian to the portal: an account tied to their record.',
    },
  ];
}

export function portalRoutes(): RouteDefinition[] {
  const portal = 'lambdas/api/portal/portal.handler.ts';
  const family: Role[] = ['guardian'];
  return [
    { method: 'GET', path: '/api/portal/children', handler: portal, access: family, summary: "A guardian's children." },
    {
      method: 'GET',
      path: '/api/portal/children/{studentId}',
      handler: portal,
      access: family,
      summary: "One of a guardian's children: attendance, grades and fee balance.",
    },
    {
      method: 'GET',
      path: '/api/portal/children/{studentId}/fees',
      handler: portal,
      access: family,
      summary: "A child's invoices and payments.",
    },
    {
      method: 'GET',
      path: '/api/portal/children/{studentId}/report-card',
      handler: portal,
      access: family,
      summary: "A child's report card for a term.",
    },
    {
      method: 'GET',
      path: '/api/portal/children/{studentId}/attendance',
      handler: portal,
      access: family,
      summary: "A child's marks over a period.",
    },
  ];
}

export function auditRoutes(): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/audit',
      handler: 'lambdas/api/audit/audit.handler.ts',
      access: ['school-admin'],
      summary: "The school's audit log, newest first, filtered by entity or actor.",
    },
  ];
}

/** Platform operators' routes: the tenant directory and the onboarding workflow, never a school's data. */
export function platformRoutes(): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/platform/schools',
      handler: 'lambdas/api/platform/list-schools.handler.ts',
      access: ['platform-operator'],
      grants: ['list-schools'],
      summary: 'Schools in a lifecycle status, from the tenant directory (no school data).',
    },
    {
      method: 'GET',
      path: '/api/platform/onboarding-runs',
      handler: 'lambdas/api/platform/onboarding-runs.handler.ts',
      access: ['platform-operator'],
      grants: ['read-onboarding-runs'],
      summary: 'Runs of the onboarding workflow, newest first, by status (no school data).',
    },
    {
      method: 'GET',
      path: '/api/platform/onboarding-runs/{runName}',
      handler: 'lambdas/api/platform/onboarding-runs.handler.ts',
      access: ['platform-operator'],
      grants: ['read-onboarding-runs'],
      summary: 'One onboarding run: the school it brings live, its steps so far, how it ended.',
    },
  ];
}

export function staffRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/staff/staff.handler.ts';
  const admin: Role[] = ['school-admin'];
  return [
    { method: 'GET', path: '/api/staff', handler, access: admin, summary: "The school's staff, paged." },
    {
      method: 'POST',
      path: '/api/staff',
      handler,
      access: admin,
      grants: ['manage-users'],
      summary: 'Invite a member of staff with a role; they receive their sign-in by e-mail.',
    },
    {
      method: 'PUT',
      path: '/api/staff/{staffId}/role',
      handler,
      access: admin,
      grants: ['manage-users'],
      summary: "Change a member of staff's role.",
    },
    {
      method: 'POST',
      path: '/api/staff/{staffId}/deactivate',
      handler,
      access: admin,
      grants: ['manage-users'],
      summary: 'Deactivate a member of staff: no more sign-in, records kept.',
    },
  ];
}

export function healthRoutes(): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/health',
      handler: 'lambdas/api/health/get-health.handler.ts',
      access: 'public',
      summary: 'Service health: version, stage and server time.',
    },
  ];
}

export function dashboardRoutes(): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/dashboard',
      handler: 'lambdas/api/dashboard/dashboard.handler.ts',
      access: ['school-admin'],
      summary:
        "The school at a glance: today's attendance and its trend, the term's grade distribution, fees collected against due.",
    },
  ];
}

export function sessionRoutes(): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/api/me',
      handler: 'lambdas/api/session/get-me.handler.ts',
      access: ['platform-operator', 'school-admin', 'teacher', 'bursar', 'guardian'],
      summary:
        'The signed-in caller: user id, roles and school (from the verified token), and whether the school can be used.',
    },
  ];
}

export function docsRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/docs/docs.handler.ts';
  return [
    {
      method: 'GET',
      path: '/api/openapi.json',
      handler,
      access: 'public',
      summary: 'This API as an OpenAPI 3.1 document, generated from the validation schemas.',
    },
    {
      method: 'GET',
      path: '/api/docs',
      handler,
      access: 'public',
      summary: 'A readable page of every route, its roles and what it does.',
    },
  ];
}

export function importRoutes(): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/api/imports/students',
      handler: 'lambdas/api/imports/student-import.handler.ts',
      access: ['school-admin'],
      grants: ['queue-rescore'],
      summary:
        'Import students with their guardians from a CSV file: mode=dry-run reports row by row, mode=commit writes all or nothing.',
    },
    {
      method: 'POST',
      path: '/api/imports/attendance',
      handler: 'lambdas/api/imports/attendance-import.handler.ts',
      access: ['school-admin'],
      grants: ['queue-rescore'],
      summary:
        'Import past attendance from a CSV file: mode=dry-run reports row by row, mode=commit writes all or nothing.',
    },
    {
      method: 'POST',
      path: '/api/imports/scores',
      handler: 'lambdas/api/imports/score-import.handler.ts',
      access: ['school-admin'],
      grants: ['queue-rescore'],
      summary:
        'Import past scores from a CSV file, creating the assessments they belong to: mode=dry-run reports row by row, mode=commit writes all or nothing.',
    },
  ];
}

export function exportRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/exports/exports.handler.ts';
  return [
    {
      method: 'POST',
      path: '/api/exports',
      handler,
      access: ['school-admin'],
      grants: ['queue-exports'],
      summary:
        'Ask for a CSV export of students, attendance (a date range) or grades; it is written in the background (202).',
    },
    {
      method: 'GET',
      path: '/api/exports',
      handler,
      access: ['school-admin'],
      summary: 'Export requests, newest first, paged.',
    },
    {
      method: 'GET',
      path: '/api/exports/{exportId}',
      handler,
      access: ['school-admin'],
      grants: ['read-exports'],
      summary: 'One export request and its progress; when done, a download link valid for 15 minutes.',
    },
  ];
}

/**
 * The route manifest: the single source of the HTTP API's routes. The CDK API stack
 * creates one route (and one function per handler module) from each entry; the local
 * gateway serves the same entries. Only routes that work belong here. Each handler module
 * takes only its own group (`studentRoutes()`…), so a function's bundle carries its own
 * routes, not the manifest: hence the pure annotation, which lets esbuild drop this array
 * where nothing reads it.
 */
export const routes: readonly RouteDefinition[] = /* @__PURE__ */ manifest();

function manifest(): RouteDefinition[] {
  return [
    ...healthRoutes(),
    ...dashboardRoutes(),
    ...sessionRoutes(),
    ...docsRoutes(),
    ...studentRoutes(),
    ...attendanceRoutes(),
    ...structureRoutes(),
    ...assessmentRoutes(),
    ...feeRoutes(),
    ...guardianRoutes(),
    ...portalRoutes(),
    ...auditRoutes(),
    ...platformRoutes(),
    ...staffRoutes(),
    ...importRoutes(),
    ...exportRoutes(),
    ...analyticsRoutes(),
    ...reportRoutes(),
  ];
}

export function analyticsRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/analytics/analytics.handler.ts';
  const runs = 'lambdas/api/analytics/scoring-runs.handler.ts';
  const readers: Role[] = ['school-admin', 'teacher'];
  return [
    {
      method: 'GET',
      path: '/api/analytics/overview',
      handler,
      access: readers,
      summary: 'Scored, at-risk and flagged students, and the spread of risk (teachers: their classes).',
    },
    {
      method: 'GET',
      path: '/api/analytics/at-risk',
      handler,
      access: readers,
      summary: 'Students at risk of ending the year below the pass mark, riskiest first, with what drives it; paged.',
    },
    {
      method: 'GET',
      path: '/api/analytics/students/{studentId}',
      handler,
      access: readers,
      summary: "A student's risk and drivers, anomalies, peer percentiles and career suggestions.",
    },
    {
      method: 'GET',
      path: '/api/portal/children/{studentId}/analytics',
      handler,
      access: ['guardian'],
      summary:
        "A child's percentiles, anomalies and career suggestions; risk only if the school shows it to guardians.",
    },
    {
      method: 'GET',
      path: '/api/analytics/settings',
      handler,
      access: ['school-admin'],
      summary: 'Analytics settings: at-risk threshold, whether guardians see risk, anomaly thresholds, career mapping.',
    },
    {
      method: 'PUT',
      path: '/api/analytics/settings',
      handler,
      access: ['school-admin'],
      summary: 'Write the analytics settings; the next scoring uses them.',
    },
    {
      method: 'POST',
      path: '/api/analytics/runs',
      handler: runs,
      access: ['school-admin'],
      grants: ['start-scoring', 'read-scoring-runs'],
      summary: 'Score the school now (202); one run at a time.',
    },
    {
      method: 'GET',
      path: '/api/analytics/runs',
      handler: runs,
      access: ['school-admin'],
      grants: ['read-scoring-runs'],
      summary: "The school's scoring runs, newest first, with their progress; paged.",
    },
    {
      method: 'GET',
      path: '/api/analytics/runs/{runId}',
      handler: runs,
      access: ['school-admin'],
      grants: ['read-scoring-runs'],
      summary: 'One scoring run: chunks done of total, students scored, at risk, anomalies.',
    },
  ];
}

export function reportRoutes(): RouteDefinition[] {
  const handler = 'lambdas/api/reports/reports.handler.ts';
  return [
    {
      method: 'POST',
      path: '/api/reports',
      handler,
      access: allSchoolRoles,
      grants: ['queue-reports'],
      summary:
        'Ask for a PDF (202): report cards (a student or a class), the school analytics report, a fee statement.',
    },
    {
      method: 'GET',
      path: '/api/reports',
      handler,
      access: allSchoolRoles,
      summary: 'Report requests, newest first (school admins: all; others: their own); paged.',
    },
    {
      method: 'GET',
      path: '/api/reports/{reportId}',
      handler,
      access: allSchoolRoles,
      grants: ['read-reports'],
      summary: 'One report request and its progress; when done, a download link valid for 15 minutes.',
    },
  ];
}

/** `GET /api/health` — the form of API Gateway's `routeKey`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * A handler's name, unique because module paths are: `lambdas/api/health/get-health.handler.ts`
 * → `api.health.get-health`. Used for construct ids, alarm names and local function names.
 */
export function handlerName(handlerPath: string): string {
  return handlerPath
    .replace(/^lambdas\//, '')
    .replace(/\.handler\.ts$/, '')
    .replace(/\//g, '.');
}

export function findRoute(key: string): RouteDefinition | undefined {
  return routes.find((route) => routeKey(route) === key);
}
