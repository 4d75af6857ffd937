import { requestRescore } from '../../shared/rescore-jobs';
import { json } from '../../shared/http';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { chronicAbsentees, dailySummary, studentAttendance } from './attendance-reports';
import {
  chronicAbsenceQuery,
  classDay,
  classMarks,
  dailySummaryQuery,
  period,
  studentPath,
} from './attendance.schemas';
import { classDaySheet, markClassDay } from './attendance';
import { attendanceRoutes } from '../routes';

export const handler = schoolRoutes(attendanceRoutes(), {
  'GET /api/classes/{classId}/attendance/{date}': async (request) => {
    const { classId, date } = parsePath(classDay, request.event);
    return json(200, await classDaySheet(request.db, callerOf(request), classId, date));
  },
  'PUT /api/classes/{classId}/attendance/{date}': async (request) => {
    const { classId, date } = parsePath(classDay, request.event);
    const marks = parseBody(classMarks, request.event);
    const result = await markClassDay(request.db, callerOf(request), classId, date, marks);
    if (result.changed > 0) {
      await requestRescore({ schoolId: request.principal.schoolId, classIds: [classId], reason: 'attendance' });
    }
    return json(200, result);
  },
  'GET /api/students/{studentId}/attendance': async ({ event, db }) =>
    json(200, await studentAttendance(db, parsePath(studentPath, event).studentId, parseQuery(period, event))),
  'GET /api/attendance/daily': async ({ event, db }) =>
    json(200, await dailySummary(db, parseQuery(dailySummaryQuery, event).date)),
  'GET /api/attendance/chronic-absence': async ({ event, db }) =>
    json(200, await chronicAbsentees(db, parseQuery(chronicAbsenceQuery, event))),
});
