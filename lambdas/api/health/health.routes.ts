import { routeGroup } from '../route-contract';
import { healthReport } from './health.schemas';

export const healthRoutes = routeGroup('lambdas/api/health/get-health.handler.ts', {
  getHealth: {
    method: 'GET',
    path: '/api/health',
    access: 'public',
    summary: 'Service health: version, stage, server time and each component; 503 while one is down.',
    response: { status: 200, body: healthReport, alsoAs: [503] },
  },
});
