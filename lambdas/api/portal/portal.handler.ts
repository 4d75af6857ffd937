import { reportCardOf } from '../assessments/assessments';
import { studentAttendance } from '../attendance/attendance-reports';
import { schoolRoutes } from '../school-handler';
import { studentProfile } from '../students/students';
import { childFees, myChildren, requireMyChild } from './portal';
import { portalRoutes } from './portal.routes';

/** The guardian portal: a guardian's own children, and nothing else of the school. */
export const handler = schoolRoutes(portalRoutes, {
  listMyChildren: async ({ db, principal }) => ({ items: await myChildren(db, principal.userId) }),
  getChild: async ({ db, principal, params: { studentId } }) => {
    await requireMyChild(db, principal.userId, studentId);
    return studentProfile(db, studentId, { forGuardian: true });
  },
  getChildFees: async ({ db, principal, params: { studentId } }) => {
    await requireMyChild(db, principal.userId, studentId);
    return childFees(db, studentId);
  },
  getChildReportCard: async ({ db, principal, params: { studentId }, query }) => {
    await requireMyChild(db, principal.userId, studentId);
    return reportCardOf(db, studentId, query.termId);
  },
  getChildAttendance: async ({ db, principal, params: { studentId }, query }) => {
    await requireMyChild(db, principal.userId, studentId);
    return studentAttendance(db, studentId, query);
  },
});
