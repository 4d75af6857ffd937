import { schoolRoutes } from '../school-handler';
import { readAccessLog } from './access-log';
import { accessLogRoutes } from './access-log.routes';

export const handler = schoolRoutes(accessLogRoutes, {
  getStudentAccessLog: async ({ db, params, query }) => readAccessLog(db, params.studentId, query),
  getChildAccessLog: async ({ db, principal, params, query }) =>
    readAccessLog(db, params.studentId, query, principal.userId),
});
