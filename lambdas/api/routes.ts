import { analyticsRoutes, scoringRunRoutes } from './analytics/analytics.routes';
import { assessmentRoutes } from './assessments/assessments.routes';
import { attendanceRoutes } from './attendance/attendance.routes';
import { auditRoutes } from './audit/audit.routes';
import { dashboardRoutes } from './dashboard/dashboard.routes';
import { docsRoutes } from './docs/docs.routes';
import { exportRoutes } from './exports/exports.routes';
import { feeRoutes, paymentRoutes } from './fees/fees.routes';
import { guardianRoutes } from './guardians/guardians.routes';
import { healthRoutes } from './health/health.routes';
import { integrationRoutes } from './integrations/integrations.routes';
import { invitationRoutes } from './invitations/invitations.routes';
import { gradebookRoutes, rosteringRoutes } from './oneroster/oneroster.routes';
import { attendanceImportRoutes, scoreImportRoutes, studentImportRoutes } from './imports/imports.routes';
import { notificationRoutes } from './notifications/notifications.routes';
import { pushSubscriptionRoutes } from './notifications/push-subscriptions.routes';
import { unsubscribeRoutes } from './notifications/unsubscribe.routes';
import { onboardingRunRoutes, privacyReportRoutes, schoolDirectoryRoutes } from './platform/platform.routes';
import { portalRoutes } from './portal/portal.routes';
import { accessLogRoutes } from './privacy/access-log.routes';
import { consentRoutes } from './privacy/consents.routes';
import { privacyRequestRoutes } from './privacy/requests.routes';
import { retentionRoutes } from './privacy/retention.routes';
import { reportRoutes } from './reports/reports.routes';
import type { RouteDefinition, RouteGroup } from './route-contract';
import { sessionRoutes } from './session/session.routes';
import { staffRoutes } from './staff/staff.routes';
import { structureRoutes } from './structure/structure.routes';
import { studentRoutes } from './students/students.routes';

export { handlerName, routeKey, type RouteDefinition, type RouteGrant, type RouteGroup } from './route-contract';

/**
 * Every handler module's group of routes, as each domain declares them beside its code
 * (`<domain>/<domain>.routes.ts`). The CDK API stack creates one function per group and one
 * route per declaration; the local gateway serves the same; the OpenAPI document is made of
 * them. A handler module imports only its own group, so its bundle carries only its own
 * routes' schemas; only the docs function, the stacks and the local platform read them all.
 */
export const routeGroups: readonly RouteGroup[] = [
  healthRoutes,
  dashboardRoutes,
  sessionRoutes,
  docsRoutes,
  studentRoutes,
  attendanceRoutes,
  structureRoutes,
  assessmentRoutes,
  feeRoutes,
  paymentRoutes,
  guardianRoutes,
  portalRoutes,
  auditRoutes,
  schoolDirectoryRoutes,
  onboardingRunRoutes,
  privacyReportRoutes,
  staffRoutes,
  studentImportRoutes,
  attendanceImportRoutes,
  scoreImportRoutes,
  exportRoutes,
  analyticsRoutes,
  scoringRunRoutes,
  reportRoutes,
  notificationRoutes,
  pushSubscriptionRoutes,
  unsubscribeRoutes,
  consentRoutes,
  accessLogRoutes,
  privacyRequestRoutes,
  retentionRoutes,
  invitationRoutes,
  integrationRoutes,
  rosteringRoutes,
  gradebookRoutes,
];

/**
 * The groups of the routes only integrations call under standards' own paths (OneRoster's
 * `/ims/…`): the CDK app deploys them in a routes stack of their own, since one stack holds at
 * most 500 resources.
 */
export const integrationRouteGroups: readonly RouteGroup[] = [rosteringRoutes, gradebookRoutes];

/** Every other group: the people's API (and the integrations' own calls under `/api/`), in the first routes stack. */
export const peopleRouteGroups: readonly RouteGroup[] = routeGroups.filter(
  (group) => !integrationRouteGroups.includes(group),
);

/** The route manifest: the single source of the HTTP API's routes. Only routes that work belong here. */
export const routes: readonly RouteDefinition[] = routeGroups.flatMap((group) => group.routes);
