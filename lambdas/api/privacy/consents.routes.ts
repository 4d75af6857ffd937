import { routeGroup } from '../route-contract';
import {
  consentList,
  consentListQuery,
  consentPath,
  guardianConsent,
  recordedConsent,
  studentConsentPath,
  studentConsents,
} from './consents.schemas';

/**
 * Consent records: a school admin reads and records any student's, a guardian their own
 * children's, in the portal. A refusal or withdrawal of analytics stops the student's scoring
 * and removes what was computed, in the statement that records it.
 */
export const consentRoutes = routeGroup('lambdas/api/privacy/consents.handler.ts', {
  listConsents: {
    method: 'GET',
    path: '/api/v1/privacy/consents',
    access: ['school-admin'],
    summary: "Active students' consents in force, by class, purpose or status.",
    query: consentListQuery,
    response: { status: 200, body: consentList },
  },
  getStudentConsents: {
    method: 'GET',
    path: '/api/v1/students/{studentId}/consents',
    access: ['school-admin'],
    summary: "A student's consents in force and every decision recorded.",
    params: studentConsentPath,
    response: { status: 200, body: studentConsents },
  },
  recordStudentConsent: {
    method: 'PUT',
    path: '/api/v1/students/{studentId}/consents/{purpose}',
    access: ['school-admin'],
    summary:
      "Record a guardian's decision received by the school (paper, e-mail, in person, phone). Safe to send again: the same decision is not recorded twice.",
    params: consentPath,
    body: recordedConsent,
    response: { status: 200, body: studentConsents },
  },
  getChildConsents: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/consents',
    access: ['guardian'],
    summary: "Your child's consents in force and every decision recorded.",
    params: studentConsentPath,
    response: { status: 200, body: studentConsents },
  },
  decideChildConsent: {
    method: 'PUT',
    path: '/api/v1/portal/children/{studentId}/consents/{purpose}',
    access: ['guardian'],
    summary:
      'Give, refuse or withdraw a consent for your child; a withdrawal takes effect at once. Safe to send again.',
    params: consentPath,
    body: guardianConsent,
    response: { status: 200, body: studentConsents },
  },
});
