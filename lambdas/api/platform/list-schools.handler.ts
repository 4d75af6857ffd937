import * as z from 'zod';
import { invalid, json } from '../../shared/http';
import { schoolStatuses, TenantDirectory } from '../../shared/tenant-directory';
import { apiHandler } from '../api-handler';
import { parseQuery } from '../validation';
import { platformRoutes } from '../routes';

const query = z
  .object({
    status: z.enum(schoolStatuses).default('ACTIVE'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

let directory: TenantDirectory | undefined;

/**
 * Platform operators list schools and their directory status. They see where a school
 * lives and in what state, never its data: this route reads only the directory.
 */
export const handler = apiHandler(platformRoutes(), async ({ event }) => {
  const { status, limit, cursor } = parseQuery(query, event);
  try {
    const page = await (directory ??= new TenantDirectory()).listSchools(status, { limit, after: cursor });
    return json(200, {
      items: page.items.map(({ secretArn: _secret, ...school }) => school),
      nextCursor: page.nextAfter,
    });
  } catch (error) {
    if (cursor && (error instanceof SyntaxError || (error as Error).name === 'ValidationException')) {
      throw invalid([{ path: 'query.cursor', message: 'is not a cursor this list gave out' }]);
    }
    throw error;
  }
});
