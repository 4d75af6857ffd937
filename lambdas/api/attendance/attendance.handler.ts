import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { requestRescore } from '../../shared/rescore-jobs';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { chronicAbsentees, dailySummary, studentAttendance } from './attendance-reports';
import { classDaySheet, markClassDay } from './attendance';
import { attendanceRoutes } from './attendance.routes';

export const handler = schoolRoutes(attendanceRoutes, {
  getClassRegister: async (request) =>
    classDaySheet(request.db, callerOf(request), request.params.classId, request.params.date),
  markClassRegister: async (request) => {
    const { classId, date } = request.params;
    const { alertsDueAt, ...result } = await markClassDay(request.db, callerOf(request), classId, date, request.body);
    const { schoolId } = request.principal;
    if (alertsDueAt) await wakeDispatcherAt({ schoolId, dueAt: alertsDueAt });
    if (result.changed > 0) await requestRescore({ schoolId, classIds: [classId], reason: 'attendance' });
    return result;
  },
  getStudentAttendance: async ({ db, params, query }) => studentAttendance(db, params.studentId, query),
  getDailyAttendance: async ({ db, query }) => dailySummary(db, query.date),
  listChronicAbsentees: async ({ db, query }) => chronicAbsentees(db, query),
});
