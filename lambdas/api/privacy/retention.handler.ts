import { schoolRoutes } from '../school-handler';
import { readRetentionPolicy, setRetentionPolicy } from './retention';
import { retentionRoutes } from './retention.routes';

export const handler = schoolRoutes(retentionRoutes, {
  getRetentionPolicy: async ({ db }) => readRetentionPolicy(db),
  setRetentionPolicy: async ({ db, body }) => setRetentionPolicy(db, body),
});
