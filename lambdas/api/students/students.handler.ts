import { schoolRoutes } from '../school-handler';
import { createStudent, listStudents, studentProfile, updateStudent, withdrawStudent } from './students';
import { studentRoutes } from './students.routes';

export const handler = schoolRoutes(studentRoutes, {
  listStudents: async ({ db, query }) => listStudents(db, query),
  enrolStudent: async ({ db, body }) => createStudent(db, body),
  getStudentProfile: async ({ db, params }) => studentProfile(db, params.studentId),
  updateStudent: async ({ db, params, body }) => updateStudent(db, params.studentId, body),
  withdrawStudent: async ({ db, params, body }) => withdrawStudent(db, params.studentId, body),
});
