import { routeGroup } from '../route-contract';
import { auditPage, auditQuery } from './audit.schemas';

export const auditRoutes = routeGroup('lambdas/api/audit/audit.handler.ts', {
  listAuditEntries: {
    method: 'GET',
    path: '/api/v1/audit',
    access: ['school-admin'],
    summary: "The school's audit log, newest first, filtered by entity or actor.",
    query: auditQuery,
    response: { status: 200, body: auditPage },
  },
});
