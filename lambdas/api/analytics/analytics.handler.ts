import { json } from '../../shared/http';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import {
  analyticsOverview,
  atRiskStudents,
  childAnalytics,
  readAnalyticsSettings,
  studentAnalytics,
  writeAnalyticsSettings,
} from './analytics';
import { analyticsSettings, atRiskQuery, studentPath } from './analytics.schemas';
import { analyticsRoutes } from '../routes';

/** Student analytics: the school's overview, the at-risk list, one student's scores, a child's for their guardian. */
export const handler = schoolRoutes(analyticsRoutes(), {
  'GET /api/analytics/overview': async (request) => json(200, await analyticsOverview(request.db, callerOf(request))),
  'GET /api/analytics/at-risk': async (request) =>
    json(200, await atRiskStudents(request.db, callerOf(request), parseQuery(atRiskQuery, request.event))),
  'GET /api/analytics/students/{studentId}': async (request) =>
    json(200, await studentAnalytics(request.db, callerOf(request), parsePath(studentPath, request.event).studentId)),
  'GET /api/portal/children/{studentId}/analytics': async ({ event, db, principal }) =>
    json(200, await childAnalytics(db, principal.userId, parsePath(studentPath, event).studentId)),
  'GET /api/analytics/settings': async ({ db }) => json(200, await readAnalyticsSettings(db)),
  'PUT /api/analytics/settings': async ({ event, db, principal }) =>
    json(200, await writeAnalyticsSettings(db, principal.userId, parseBody(analyticsSettings, event))),
});
