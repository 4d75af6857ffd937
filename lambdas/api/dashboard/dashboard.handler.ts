import { json } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import { schoolDashboard } from './dashboard';

/** The school admin's home screen, in one request. */
export const handler = schoolRoutes({
  'GET /api/dashboard': async ({ db }) => json(200, await schoolDashboard(db)),
});
