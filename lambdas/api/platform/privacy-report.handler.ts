import type { SchoolRecord } from '../../shared/school-lifecycle';
import { schoolSessionFor } from '../../shared/school-session';
import { TenantDirectory } from '../../shared/tenant-directory';
import { apiHandler } from '../api-handler';
import { privacyReportRoutes } from './platform.routes';
import { privacyReport } from './privacy-report';

let directory: TenantDirectory | undefined;

async function readableSchools(): Promise<SchoolRecord[]> {
  const schools: SchoolRecord[] = [];
  for (const status of ['ACTIVE', 'SUSPENDED'] as const) {
    let after: string | undefined;
    do {
      const page = await (directory ??= new TenantDirectory()).listSchools(status, { limit: 100, after });
      schools.push(...page.items);
      after = page.nextAfter ?? undefined;
    } while (after);
  }
  return schools;
}

/** Operators' report of families' data requests across the stage: counts by school, no person. */
export const handler = apiHandler(privacyReportRoutes, {
  getPrivacyReport: async ({ query }) =>
    privacyReport(
      { schools: readableSchools, session: (school) => schoolSessionFor(school, undefined, { readOnly: true }) },
      query.days,
    ),
});
