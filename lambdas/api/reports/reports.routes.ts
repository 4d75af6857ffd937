import { pageOf } from '../resource-schema';
import { allSchoolRoles, routeGroup } from '../route-contract';
import { reportListQuery, reportPath, reportRequest, reportView } from './report.schemas';

export const reportRoutes = routeGroup('lambdas/api/reports/reports.handler.ts', {
  requestReport: {
    method: 'POST',
    path: '/api/v1/reports',
    access: allSchoolRoles,
    grants: ['queue-reports'],
    summary: 'Ask for a PDF (202): report cards (a student or a class), the school analytics report, a fee statement.',
    body: reportRequest,
    response: { status: 202, body: reportView },
  },
  listReports: {
    method: 'GET',
    path: '/api/v1/reports',
    access: allSchoolRoles,
    summary: 'Report requests, newest first (school admins: all; others: their own); paged.',
    query: reportListQuery,
    response: { status: 200, body: pageOf(reportView) },
  },
  getReport: {
    method: 'GET',
    path: '/api/v1/reports/{reportId}',
    access: allSchoolRoles,
    grants: ['read-reports'],
    summary: 'One report request and its progress; when done, a download link valid for 15 minutes.',
    params: reportPath,
    response: { status: 200, body: reportView },
  },
});
