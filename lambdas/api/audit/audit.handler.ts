import { schoolRoutes } from '../school-handler';
import { auditEntries } from './audit';
import { auditRoutes } from './audit.routes';

/** The school's audit log, newest first: school admins only. */
export const handler = schoolRoutes(auditRoutes, {
  listAuditEntries: async ({ db, query }) => auditEntries(db, query),
});
