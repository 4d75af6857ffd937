import { json } from '../../shared/http';
import { readRuntime } from '../../shared/runtime';
import { apiHandler } from '../api-handler';
import { checkComponents, type ComponentsHealth } from './component-checks';
import { healthRoutes } from '../routes';

export interface HealthResponse {
  /** `degraded` when a probed component is down; the status code is then 503. */
  status: 'ok' | 'degraded';
  version: string;
  stage: string;
  time: string;
  components: ComponentsHealth;
}

export const handler = apiHandler(healthRoutes(), async () => {
  const { stage, version } = readRuntime();
  const components = await checkComponents();
  const down = Object.values(components).some((component) => component.status === 'down');
  const body: HealthResponse = {
    status: down ? 'degraded' : 'ok',
    version,
    stage,
    time: new Date().toISOString(),
    components,
  };
  return json(down ? 503 : 200, body);
});
