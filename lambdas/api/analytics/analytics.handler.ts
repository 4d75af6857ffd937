import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import {
  analyticsOverview,
  atRiskStudents,
  childAnalytics,
  readAnalyticsSettings,
  studentAnalytics,
  writeAnalyticsSettings,
} from './analytics';
import { analyticsRoutes } from './analytics.routes';

/** Student analytics: the school's overview, the at-risk list, one student's scores, a child's for their guardian. */
export const handler = schoolRoutes(analyticsRoutes, {
  getAnalyticsOverview: async (request) => analyticsOverview(request.db, callerOf(request)),
  listAtRiskStudents: async (request) => atRiskStudents(request.db, callerOf(request), request.query),
  getStudentAnalytics: async (request) => studentAnalytics(request.db, callerOf(request), request.params.studentId),
  getChildAnalytics: async ({ db, principal, params }) => childAnalytics(db, principal.userId, params.studentId),
  getAnalyticsSettings: async ({ db }) => readAnalyticsSettings(db),
  putAnalyticsSettings: async ({ db, body }) => writeAnalyticsSettings(db, body),
});
