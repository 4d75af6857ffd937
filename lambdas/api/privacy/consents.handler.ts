import { schoolRoutes } from '../school-handler';
import { listConsents, readStudentConsents, recordConsent } from './consents';
import { consentRoutes } from './consents.routes';

export const handler = schoolRoutes(consentRoutes, {
  listConsents: async ({ db, query }) => listConsents(db, query),
  getStudentConsents: async ({ db, params }) => readStudentConsents(db, params.studentId),
  recordStudentConsent: async ({ db, params, body }) => recordConsent(db, params.studentId, params.purpose, body),
  getChildConsents: async ({ db, principal, params }) => readStudentConsents(db, params.studentId, principal.userId),
  decideChildConsent: async ({ db, principal, params, body }) =>
    recordConsent(db, params.studentId, params.purpose, { ...body, method: 'portal' }, principal.userId),
});
