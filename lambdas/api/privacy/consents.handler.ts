import { notFound } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import { listConsents, readStudentConsents, recordConsent } from './consents';
import { consentRoutes } from './consents.routes';

export const handler = schoolRoutes(consentRoutes, {
  listConsents: async ({ db, query }) => listConsents(db, query),
  getStudentConsents: async ({ db, params }) =>
    (await readStudentConsents(db, params.studentId)) ?? Promise.reject(notFound('The student')),
  recordStudentConsent: async ({ db, params, body }) => recordConsent(db, params.studentId, params.purpose, body),
  getChildConsents: async ({ db, principal, params }) =>
    (await readStudentConsents(db, params.studentId, principal.userId)) ?? Promise.reject(notFound('The student')),
  decideChildConsent: async ({ db, principal, params, body }) =>
    recordConsent(db, params.studentId, params.purpose, { ...body, method: 'portal' }, principal.userId),
});
