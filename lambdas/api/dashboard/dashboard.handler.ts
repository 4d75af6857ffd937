import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { schoolDashboard } from './dashboard';
import { dashboardRoutes } from './dashboard.routes';

/** The school admin's home screen, in one request. */
export const handler = schoolRoutes(dashboardRoutes, {
  getDashboard: async (request) => schoolDashboard(request.db, callerOf(request)),
});
