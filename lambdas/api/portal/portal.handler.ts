import * as z from 'zod';
import { json } from '../../shared/http';
import { reportCardOf } from '../assessments/assessments';
import { termQuery } from '../assessments/assessment.schemas';
import { studentAttendance } from '../attendance/attendance-reports';
import { period } from '../attendance/attendance.schemas';
import { schoolRoutes } from '../school-handler';
import { studentProfile } from '../students/students';
import { parsePath, parseQuery } from '../validation';
import { childFees, myChildren, requireMyChild } from './portal';
import { portalRoutes } from '../routes';

const childPath = z.object({ studentId: z.uuid() }).strict();

/** The guardian portal: a guardian's own children, and nothing else of the school. */
export const handler = schoolRoutes(portalRoutes(), {
  'GET /api/portal/children': async ({ db, principal }) => json(200, { items: await myChildren(db, principal.userId) }),
  'GET /api/portal/children/{studentId}': async ({ event, db, principal }) => {
    const { studentId } = parsePath(childPath, event);
    await requireMyChild(db, principal.userId, studentId);
    return json(200, await studentProfile(db, studentId, { forGuardian: true }));
  },
  'GET /api/portal/children/{studentId}/fees': async ({ event, db, principal }) => {
    const { studentId } = parsePath(childPath, event);
    await requireMyChild(db, principal.userId, studentId);
    return json(200, await childFees(db, studentId));
  },
  'GET /api/portal/children/{studentId}/report-card': async ({ event, db, principal }) => {
    const { studentId } = parsePath(childPath, event);
    const { termId } = parseQuery(termQuery, event);
    await requireMyChild(db, principal.userId, studentId);
    return json(200, await reportCardOf(db, studentId, termId));
  },
  'GET /api/portal/children/{studentId}/attendance': async ({ event, db, principal }) => {
    const { studentId } = parsePath(childPath, event);
    const range = parseQuery(period, event);
    await requireMyChild(db, principal.userId, studentId);
    return json(200, await studentAttendance(db, studentId, range));
  },
});
