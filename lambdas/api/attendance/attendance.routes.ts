import { routeGroup } from '../route-contract';
import {
  chronicAbsence,
  chronicAbsenceQuery,
  classDay,
  classDaySheet,
  classMarks,
  dailySummary,
  dailySummaryQuery,
  markResult,
  period,
  studentAttendance,
  studentPath,
} from './attendance.schemas';

const register = '/api/v1/classes/{classId}/attendance/{date}';

export const attendanceRoutes = routeGroup('lambdas/api/attendance/attendance.handler.ts', {
  getClassRegister: {
    method: 'GET',
    path: register,
    access: ['school-admin', 'teacher'],
    summary: "A class's register for a day: its students, their marks and the day's counts.",
    params: classDay,
    response: { status: 200, body: classDaySheet },
  },
  markClassRegister: {
    method: 'PUT',
    path: register,
    access: ['school-admin', 'teacher'],
    grants: ['queue-rescore', 'queue-notifications'],
    summary: "Mark a whole class for a day in one request (today's absences alert the guardians); safe to send again.",
    params: classDay,
    body: classMarks,
    response: { status: 200, body: markResult },
  },
  getStudentAttendance: {
    method: 'GET',
    path: '/api/v1/students/{studentId}/attendance',
    access: ['school-admin', 'teacher'],
    summary: "A student's marks over a period, with the attendance rate.",
    params: studentPath,
    query: period,
    response: { status: 200, body: studentAttendance },
  },
  getDailyAttendance: {
    method: 'GET',
    path: '/api/v1/attendance/daily',
    access: ['school-admin'],
    summary: "The school's attendance for a day, class by class.",
    query: dailySummaryQuery,
    response: { status: 200, body: dailySummary },
  },
  listChronicAbsentees: {
    method: 'GET',
    path: '/api/v1/attendance/chronic-absence',
    access: ['school-admin', 'teacher'],
    summary: "Students attending less than the school's chronic-absence rate over a period.",
    query: chronicAbsenceQuery,
    response: { status: 200, body: chronicAbsence },
  },
});
