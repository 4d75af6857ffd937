import { readRuntime } from '../../shared/runtime';
import { apiHandler, reply } from '../api-handler';
import { checkComponents } from './component-checks';
import { healthRoutes } from './health.routes';
import type { HealthReport } from './health.schemas';

export const handler = apiHandler(healthRoutes, {
  getHealth: async () => {
    const { stage, version } = readRuntime();
    const components = await checkComponents();
    const down = Object.values(components).some((component) => component.status === 'down');
    const report: HealthReport = {
      status: down ? 'degraded' : 'ok',
      version,
      stage,
      time: new Date().toISOString(),
      components,
    };
    return reply(down ? 503 : 200, report);
  },
});
