import { routeGroup } from '../route-contract';
import { schoolDashboard } from './dashboard.schemas';

export const dashboardRoutes = routeGroup('lambdas/api/dashboard/dashboard.handler.ts', {
  getDashboard: {
    method: 'GET',
    path: '/api/v1/dashboard',
    access: ['school-admin'],
    summary:
      "The school at a glance: today's attendance and its trend, the term's grade distribution, fees collected against due.",
    response: { status: 200, body: schoolDashboard },
  },
});
