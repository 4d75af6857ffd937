import { readSchoolRecord, schoolDataAccess } from '../../shared/school-records';
import { apiHandler } from '../api-handler';
import type { MeSchool } from './session.schemas';
import { sessionRoutes } from './session.routes';

/**
 * The signed-in caller as the API sees them: what the web app shows and which screens it offers.
 * A suspended or removed school still answers here (one read of its directory record, no
 * school data), so the app can say why it cannot be used instead of failing on every screen.
 */
export const handler = apiHandler(sessionRoutes, {
  getMe: async ({ principal }) => {
    // The route is for signed-in callers only: the principal is there.
    const caller = principal!;
    if (!caller.schoolId) return caller;
    const record = await readSchoolRecord(caller.schoolId);
    const school: MeSchool = record
      ? { name: record.name, status: record.status, access: schoolDataAccess(record.status) }
      : { name: '', status: 'DELETED', access: 'none' };
    return { ...caller, school };
  },
});
