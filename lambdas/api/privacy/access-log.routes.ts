import { routeGroup } from '../route-contract';
import { accessLogPage, accessLogPath, accessLogQuery } from './access-log.schemas';

/**
 * The record of disclosures: who has read a student's record (profile, attendance, fees, report
 * cards, analytics), for a school admin about any student and for a guardian about their own child.
 */
export const accessLogRoutes = routeGroup('lambdas/api/privacy/access-log.handler.ts', {
  getStudentAccessLog: {
    method: 'GET',
    path: '/api/v1/students/{studentId}/access-log',
    access: ['school-admin'],
    summary: "Who has read this student's record, and what, newest first.",
    params: accessLogPath,
    query: accessLogQuery,
    response: { status: 200, body: accessLogPage },
  },
  getChildAccessLog: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/access-log',
    access: ['guardian'],
    summary: "Who has looked at your child's record, and what, newest first.",
    params: accessLogPath,
    query: accessLogQuery,
    response: { status: 200, body: accessLogPage },
  },
});
