import { json } from '../../shared/http';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { schoolDashboard } from './dashboard';
import { dashboardRoutes } from '../routes';

/** The school admin's home screen, in one request. */
export const handler = schoolRoutes(dashboardRoutes(), {
  'GET /api/dashboard': async (request) => json(200, await schoolDashboard(request.db, callerOf(request))),
});
