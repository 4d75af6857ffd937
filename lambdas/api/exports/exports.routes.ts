import { pageOf } from '../resource-schema';
import { routeGroup } from '../route-contract';
import { exportListQuery, exportPath, exportRequest, exportView } from './export.schemas';

const admin = ['school-admin'] as const;

export const exportRoutes = routeGroup('lambdas/api/exports/exports.handler.ts', {
  requestExport: {
    method: 'POST',
    path: '/api/v1/exports',
    access: admin,
    grants: ['queue-exports'],
    summary:
      'Ask for a CSV export of students, attendance (a date range) or grades; it is written in the background (202).',
    body: exportRequest,
    response: { status: 202, body: exportView },
  },
  listExports: {
    method: 'GET',
    path: '/api/v1/exports',
    access: admin,
    summary: 'Export requests, newest first, paged.',
    query: exportListQuery,
    response: { status: 200, body: pageOf(exportView) },
  },
  getExport: {
    method: 'GET',
    path: '/api/v1/exports/{exportId}',
    access: admin,
    grants: ['read-exports'],
    summary: 'One export request and its progress; when done, a download link valid for 15 minutes.',
    params: exportPath,
    response: { status: 200, body: exportView },
  },
});
