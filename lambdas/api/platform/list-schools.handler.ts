import { invalid } from '../../shared/http';
import type { SchoolRecord } from '../../shared/school-lifecycle';
import { TenantDirectory } from '../../shared/tenant-directory';
import { apiHandler } from '../api-handler';
import { schoolDirectoryRoutes } from './platform.routes';
import type { DirectorySchool } from './school-directory.schemas';

let directory: TenantDirectory | undefined;

/** What operators see of a record: never its secret, nor the task token that approves an offboarding. */
const listed = (school: SchoolRecord): DirectorySchool => ({
  schoolId: school.schoolId,
  slug: school.slug,
  name: school.name,
  shardGroupId: school.shardGroupId,
  database: school.database,
  status: school.status,
  schemaVersion: school.schemaVersion,
  plan: school.plan,
  createdAt: school.createdAt,
  updatedAt: school.updatedAt,
  ...(school.failureReason ? { failureReason: school.failureReason } : {}),
  ...(school.pendingApproval ? { approvalRequestedAt: school.pendingApproval.requestedAt } : {}),
  ...(school.retainUntil ? { retainUntil: school.retainUntil } : {}),
});

/**
 * Platform operators list schools and their directory status. They see where a school
 * lives and in what state, never its data: this route reads only the directory.
 */
export const handler = apiHandler(schoolDirectoryRoutes, {
  listSchools: async ({ query: { status, limit, cursor } }) => {
    try {
      const page = await (directory ??= new TenantDirectory()).listSchools(status, { limit, after: cursor });
      return { items: page.items.map(listed), nextCursor: page.nextAfter };
    } catch (error) {
      if (cursor && (error instanceof SyntaxError || (error as Error).name === 'ValidationException')) {
        throw invalid([{ path: 'query.cursor', message: 'is not a cursor this list gave out' }]);
      }
      throw error;
    }
  },
});
