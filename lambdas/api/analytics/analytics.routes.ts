import { pageOf } from '../resource-schema';
import { routeGroup } from '../route-contract';
import {
  analyticsOverview,
  analyticsSettings,
  atRiskPage,
  atRiskQuery,
  runListQuery,
  runPath,
  scoringRun,
  startedScoringRun,
  studentAnalytics,
  studentPath,
} from './analytics.schemas';

const readers = ['school-admin', 'teacher'] as const;
const admin = ['school-admin'] as const;

/** Student analytics: the school's overview, the at-risk list, one student's scores, a child's for their guardian. */
export const analyticsRoutes = routeGroup('lambdas/api/analytics/analytics.handler.ts', {
  getAnalyticsOverview: {
    method: 'GET',
    path: '/api/v1/analytics/overview',
    access: readers,
    summary: 'Scored, at-risk and flagged students, and the spread of risk (teachers: their classes).',
    response: { status: 200, body: analyticsOverview },
  },
  listAtRiskStudents: {
    method: 'GET',
    path: '/api/v1/analytics/at-risk',
    access: readers,
    summary: 'Students at risk of ending the year below the pass mark, riskiest first, with what drives it; paged.',
    query: atRiskQuery,
    response: { status: 200, body: atRiskPage },
  },
  getStudentAnalytics: {
    method: 'GET',
    path: '/api/v1/analytics/students/{studentId}',
    access: readers,
    summary: "A student's risk and drivers, anomalies, peer percentiles and career suggestions.",
    params: studentPath,
    response: { status: 200, body: studentAnalytics },
  },
  getChildAnalytics: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/analytics',
    access: ['guardian'],
    summary: "A child's percentiles, anomalies and career suggestions; risk only if the school shows it to guardians.",
    params: studentPath,
    response: { status: 200, body: studentAnalytics },
  },
  getAnalyticsSettings: {
    method: 'GET',
    path: '/api/v1/analytics/settings',
    access: admin,
    summary: 'Analytics settings: at-risk threshold, whether guardians see risk, anomaly thresholds, career mapping.',
    response: { status: 200, body: analyticsSettings },
  },
  putAnalyticsSettings: {
    method: 'PUT',
    path: '/api/v1/analytics/settings',
    access: admin,
    summary: 'Write the analytics settings; the next scoring uses them.',
    body: analyticsSettings,
    response: { status: 200, body: analyticsSettings },
  },
});

/** Scoring runs of the caller's school: start one, follow its progress, list them. */
export const scoringRunRoutes = routeGroup('lambdas/api/analytics/scoring-runs.handler.ts', {
  startScoringRun: {
    method: 'POST',
    path: '/api/v1/analytics/runs',
    access: admin,
    grants: ['start-scoring', 'read-scoring-runs'],
    summary: 'Score the school now (202); one run at a time.',
    response: { status: 202, body: startedScoringRun },
  },
  listScoringRuns: {
    method: 'GET',
    path: '/api/v1/analytics/runs',
    access: admin,
    grants: ['read-scoring-runs'],
    summary: "The school's scoring runs, newest first, with their progress; paged.",
    query: runListQuery,
    response: { status: 200, body: pageOf(scoringRun) },
  },
  getScoringRun: {
    method: 'GET',
    path: '/api/v1/analytics/runs/{runId}',
    access: admin,
    grants: ['read-scoring-runs'],
    summary: 'One scoring run: chunks done of total, students scored, at risk, anomalies.',
    params: runPath,
    response: { status: 200, body: scoringRun },
  },
});
