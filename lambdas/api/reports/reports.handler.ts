import { json } from '../../shared/http';
import { signedDownloadUrl } from '../../shared/download-links';
import { sqsReportQueue } from '../../shared/report-jobs';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { reportListQuery, reportPath, reportRequest } from './report.schemas';
import { getReport, listReports, requestReport } from './reports';
import { reportRoutes } from '../routes';

/** PDF reports: ask for one (it is rendered in the background), follow it, download it. */
export const handler = schoolRoutes(reportRoutes(), {
  'POST /api/reports': async ({ event, db, principal }) =>
    json(202, await requestReport(db, sqsReportQueue, principal.schoolId, principal, parseBody(reportRequest, event))),
  'GET /api/reports': async ({ event, db, principal }) =>
    json(200, await listReports(db, principal, parseQuery(reportListQuery, event))),
  'GET /api/reports/{reportId}': async ({ event, db, principal }) =>
    json(
      200,
      await getReport(
        db,
        (key, fileName) => signedDownloadUrl('reports', key, { fileName }),
        principal,
        parsePath(reportPath, event).reportId,
      ),
    ),
});
