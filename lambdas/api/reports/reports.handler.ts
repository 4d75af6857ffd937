import { signedDownloadUrl } from '../../shared/download-links';
import { sqsReportQueue } from '../../shared/report-jobs';
import { schoolRoutes } from '../school-handler';
import { getReport, listReports, requestReport } from './reports';
import { reportRoutes } from './reports.routes';

/** PDF reports: ask for one (it is rendered in the background), follow it, download it. */
export const handler = schoolRoutes(reportRoutes, {
  requestReport: async ({ db, principal, body }) =>
    requestReport(db, sqsReportQueue, principal.schoolId, principal, body),
  listReports: async ({ db, principal, query }) => listReports(db, principal, query),
  getReport: async ({ db, principal, params }) =>
    getReport(db, (key, fileName) => signedDownloadUrl('reports', key, { fileName }), principal, params.reportId),
});
