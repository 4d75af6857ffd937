import { routeGroup, schoolStaff } from '../route-contract';
import {
  newStudent,
  student,
  studentChange,
  studentId,
  studentListQuery,
  studentPage,
  studentProfile,
  withdrawal,
} from './student.schemas';

export const studentRoutes = routeGroup('lambdas/api/students/students.handler.ts', {
  listStudents: {
    method: 'GET',
    path: '/api/v1/students',
    access: schoolStaff,
    summary: 'Students: search, filter by class and status, paged.',
    query: studentListQuery,
    response: { status: 200, body: studentPage },
  },
  enrolStudent: {
    method: 'POST',
    path: '/api/v1/students',
    access: ['school-admin'],
    summary: 'Enrol a student.',
    body: newStudent,
    response: { status: 201, body: student },
  },
  getStudentProfile: {
    method: 'GET',
    path: '/api/v1/students/{studentId}',
    access: schoolStaff,
    summary: 'Student profile: details, guardians, attendance rate, latest grades, fee balance.',
    params: studentId,
    response: { status: 200, body: studentProfile },
  },
  updateStudent: {
    method: 'PATCH',
    path: '/api/v1/students/{studentId}',
    access: ['school-admin'],
    summary: "Change a student's details or class.",
    params: studentId,
    body: studentChange,
    response: { status: 200, body: student },
  },
  withdrawStudent: {
    method: 'POST',
    path: '/api/v1/students/{studentId}/withdraw',
    access: ['school-admin'],
    summary: 'Withdraw a student from a date, with a reason.',
    params: studentId,
    body: withdrawal,
    response: { status: 200, body: student },
  },
});
