import { routeGroup } from '../route-contract';
import {
  childPrivacyRequestBody,
  childPrivacyRequestPath,
  childPrivacyRequestsPath,
  erasureRefusal,
  exportDownload,
  privacyRequestBody,
  privacyRequestListQuery,
  privacyRequestPage,
  privacyRequestPath,
  privacyRequestView,
} from './requests.schemas';

const admin = ['school-admin'] as const;
const family = ['guardian'] as const;

/**
 * Data-subject requests: a family's copy of everything the school holds about a child (asked in
 * the portal, or by an admin for them), written in the background, due within 30 days,
 * downloaded once by whoever asked; and erasure, approved by a second school admin.
 */
export const privacyRequestRoutes = routeGroup('lambdas/api/privacy/requests.handler.ts', {
  requestPrivacyAction: {
    method: 'POST',
    path: '/api/v1/privacy/requests',
    access: admin,
    grants: ['queue-privacy-requests'],
    summary:
      "Ask for a student's data as a file (kind export: a ZIP of JSON and CSV with a PDF summary, written in the background), or for their erasure (kind erasure: carried out once a second school admin approves it). 202; sending the same clientKey again answers the same request.",
    body: privacyRequestBody,
    response: { status: 202, body: privacyRequestView },
  },
  listPrivacyRequests: {
    method: 'GET',
    path: '/api/v1/privacy/requests',
    access: admin,
    summary: 'Privacy requests, newest first, with their due dates; open or overdue ones alone on asking.',
    query: privacyRequestListQuery,
    response: { status: 200, body: privacyRequestPage },
  },
  getPrivacyRequest: {
    method: 'GET',
    path: '/api/v1/privacy/requests/{requestId}',
    access: admin,
    summary: 'One privacy request and its progress.',
    params: privacyRequestPath,
    response: { status: 200, body: privacyRequestView },
  },
  approveErasure: {
    method: 'POST',
    path: '/api/v1/privacy/requests/{requestId}/approve',
    access: admin,
    grants: ['queue-privacy-requests'],
    summary:
      'Approve an erasure, as a second school admin (never the one who asked: 403): it is carried out in the background.',
    params: privacyRequestPath,
    response: { status: 202, body: privacyRequestView },
  },
  refuseErasure: {
    method: 'POST',
    path: '/api/v1/privacy/requests/{requestId}/refuse',
    access: admin,
    summary: 'Refuse an erasure that awaits approval, with the reason the family is told.',
    params: privacyRequestPath,
    body: erasureRefusal,
    response: { status: 200, body: privacyRequestView },
  },
  downloadPrivacyExport: {
    method: 'POST',
    path: '/api/v1/privacy/requests/{requestId}/download',
    access: admin,
    grants: ['read-exports', 'queue-privacy-requests'],
    summary:
      'The one download of a finished export, for the admin who asked: a link valid for five minutes; asking again is refused (410).',
    params: privacyRequestPath,
    response: { status: 200, body: exportDownload },
    gone: 'The export was downloaded once already, or waited past its days',
  },
  requestChildPrivacyAction: {
    method: 'POST',
    path: '/api/v1/portal/children/{studentId}/privacy-requests',
    access: family,
    grants: ['queue-privacy-requests'],
    summary:
      'Ask for a copy of everything the school holds about your child and you (kind export, ready within minutes), or for its erasure (kind erasure, once the school approves it). 202.',
    params: childPrivacyRequestsPath,
    body: childPrivacyRequestBody,
    response: { status: 202, body: privacyRequestView },
  },
  listChildPrivacyRequests: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/privacy-requests',
    access: family,
    summary: 'Your requests about your child, newest first.',
    params: childPrivacyRequestsPath,
    response: { status: 200, body: privacyRequestPage },
  },
  downloadChildPrivacyExport: {
    method: 'POST',
    path: '/api/v1/portal/children/{studentId}/privacy-requests/{requestId}/download',
    access: family,
    grants: ['read-exports', 'queue-privacy-requests'],
    summary: 'The one download of your finished export: a link valid for five minutes; asking again is refused (410).',
    params: childPrivacyRequestPath,
    response: { status: 200, body: exportDownload },
    gone: 'The export was downloaded once already, or waited past its days',
  },
});
