import { routeGroup } from '../route-contract';
import {
  onboardingRunDetail,
  onboardingRunPage,
  onboardingRunPath,
  onboardingRunsQuery,
} from './onboarding-runs.schemas';
import { directorySchoolPage, schoolListQuery } from './school-directory.schemas';

/** Platform operators' routes: the tenant directory and the onboarding workflow, never a school's data. */
export const schoolDirectoryRoutes = routeGroup('lambdas/api/platform/list-schools.handler.ts', {
  listSchools: {
    method: 'GET',
    path: '/api/platform/schools',
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
    path: '/api/platform/onboarding-runs',
    access: ['platform-operator'],
    grants: ['read-onboarding-runs'],
    summary: 'Runs of the onboarding workflow, newest first, by status (no school data).',
    query: onboardingRunsQuery,
    response: { status: 200, body: onboardingRunPage },
  },
  getOnboardingRun: {
    method: 'GET',
    path: '/api/platform/onboarding-runs/{runName}',
    access: ['platform-operator'],
    grants: ['read-onboarding-runs'],
    summary: 'One onboarding run: the school it brings live, its steps so far, how it ended.',
    params: onboardingRunPath,
    response: { status: 200, body: onboardingRunDetail },
  },
});
