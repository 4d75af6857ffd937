import { json } from '../../shared/http';
import { readSchoolRecord, schoolDataAccess, type SchoolStatus } from '../../shared/school-records';
import { apiHandler } from '../api-handler';
import type { Principal } from '../principal';
import { sessionRoutes } from '../routes';

/** The caller's school as the web app needs it: its name, and whether its data can be read or changed. */
export interface MeSchool {
  readonly name: string;
  readonly status: SchoolStatus;
  readonly access: 'read-write' | 'read-only' | 'none';
}

export type MeResponse = Principal & { readonly school?: MeSchool };

/**
 * The signed-in caller as the API sees them: what the web app shows and which screens it offers.
 * A suspended or removed school still answers here (one read of its directory record, no
 * school data), so the app can say why it cannot be used instead of failing on every screen.
 */
export const handler = apiHandler(sessionRoutes(), async ({ principal }) => {
  if (!principal?.schoolId) return json(200, principal satisfies MeResponse | undefined);
  const record = await readSchoolRecord(principal.schoolId);
  const school: MeSchool = record
    ? { name: record.name, status: record.status, access: schoolDataAccess(record.status) }
    : { name: '', status: 'DELETED', access: 'none' };
  return json(200, { ...principal, school } satisfies MeResponse);
});
