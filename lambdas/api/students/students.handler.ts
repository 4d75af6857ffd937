import { json } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { newStudent, studentChange, studentId, studentListQuery, withdrawal } from './student.schemas';
import { createStudent, listStudents, studentProfile, updateStudent, withdrawStudent } from './students';
import { studentRoutes } from '../routes';

export const handler = schoolRoutes(studentRoutes(), {
  'GET /api/students': async ({ event, db }) => json(200, await listStudents(db, parseQuery(studentListQuery, event))),
  'POST /api/students': async ({ event, db, principal }) =>
    json(201, await createStudent(db, principal.userId, parseBody(newStudent, event))),
  'GET /api/students/{studentId}': async ({ event, db }) =>
    json(200, await studentProfile(db, parsePath(studentId, event).studentId)),
  'PATCH /api/students/{studentId}': async ({ event, db, principal }) =>
    json(
      200,
      await updateStudent(db, principal.userId, parsePath(studentId, event).studentId, parseBody(studentChange, event)),
    ),
  'POST /api/students/{studentId}/withdraw': async ({ event, db, principal }) =>
    json(
      200,
      await withdrawStudent(db, principal.userId, parsePath(studentId, event).studentId, parseBody(withdrawal, event)),
    ),
});
