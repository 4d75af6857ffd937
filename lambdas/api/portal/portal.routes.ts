import { reportCard, termQuery } from '../assessments/assessment.schemas';
import { period, studentAttendance } from '../attendance/attendance.schemas';
import { childFeeLines } from '../fees/fee.schemas';
import { routeGroup } from '../route-contract';
import { studentProfile } from '../students/student.schemas';
import { childPath, myChildren } from './portal.schemas';

const family = ['guardian'] as const;

/** The guardian portal: a guardian's own children, and nothing else of the school. */
export const portalRoutes = routeGroup('lambdas/api/portal/portal.handler.ts', {
  listMyChildren: {
    method: 'GET',
    path: '/api/v1/portal/children',
    access: family,
    summary: "A guardian's children.",
    response: { status: 200, body: myChildren },
  },
  getChild: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}',
    access: family,
    summary: "One of a guardian's children: attendance, grades and fee balance.",
    params: childPath,
    response: { status: 200, body: studentProfile },
  },
  getChildFees: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/fees',
    access: family,
    summary: "A child's invoices and payments.",
    params: childPath,
    response: { status: 200, body: childFeeLines },
  },
  getChildReportCard: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/report-card',
    access: family,
    summary: "A child's report card for a term.",
    params: childPath,
    query: termQuery,
    response: { status: 200, body: reportCard },
  },
  getChildAttendance: {
    method: 'GET',
    path: '/api/v1/portal/children/{studentId}/attendance',
    access: family,
    summary: "A child's marks over a period.",
    params: childPath,
    query: period,
    response: { status: 200, body: studentAttendance },
  },
});
