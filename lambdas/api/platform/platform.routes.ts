import { routeGroup } from '../route-contract';
import {
  onboardingRunDetail,
  onboardingRunPage,
  onboardingRunPath,
  onboardingRunsQuery,
} from './onboarding-runs.schemas';
import { privacyReport, privacyReportQuery } from './privacy-report.schemas';
import { directorySchoolPage, schoolListQuery } from './school-directory.schemas';

/** Platform operators' routes: the tenant directory and the onboarding workflow, never a school's data (the privacy report below reads counts only). */
export const schoolDirectoryRoutes = routeGroup('lambdas/api/platform/list-schools.handler.ts', {
  listSchools: {
    method: 'GET',
    path: '/api/v1/platform/schools',
    access: ['platform-operator'],
    grants: ['list-schools'],
    summary: 'Schools in a lifecycle status, from the tenant directory (no school data).',
    query: schoolListQuery,
    response: { status: 200, body: directorySchoolPage },
  },
});

export const onboardingRunRoutes = routeGroup('lambdas/api/platform/onboarding-runs.handler.ts', {
  listOnboardingRuns: {
    method: 'GET',
    path: '/api/v1/platform/onboarding-runs',
    access: ['platform-operator'],
    grants: ['read-onboarding-runs'],
    summary: 'Runs of the onboarding workflow, newest first, by status (no school data).',
    query: onboardingRunsQuery,
    response: { status: 200, body: onboardingRunPage },
  },
  getOnboardingRun: {
    method: 'GET',
    path: '/api/v1/platform/onboarding-runs/{runName}',
    access: ['platform-operator'],
    grants: ['read-onboarding-runs'],
    summary: 'One onboarding run: the school it brings live, its steps so far, how it ended.',
    params: onboardingRunPath,
    response: { status: 200, body: onboardingRunDetail },
  },
});

/** Operators' report of families' data requests: counts per school, never a person. */
export const privacyReportRoutes = routeGroup('lambdas/api/platform/privacy-report.handler.ts', {
  getPrivacyReport: {
    method: 'GET',
    path: '/api/v1/platform/privacy-requests',
    access: ['platform-operator'],
    grants: ['list-schools'],
    summary:
      "Families' data requests across the stage's schools: asked, answered and failed in the period, owed and overdue now, the median time to answer (counts only).",
    query: privacyReportQuery,
    response: { status: 200, body: privacyReport },
  },
});
