import { json } from '../../shared/http';
import { resourceHandlers } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath } from '../validation';
import { classAssignmentsOf, myClasses, readSettings, setClassAssignments, writeSettings } from './structure';
import {
  academicYear,
  academicYears,
  classes,
  gradeLevels,
  subjects,
  terms,
  classAssignments,
  gradeLevel,
  schoolClass,
  schoolSettings,
  subject,
  term,
} from './structure.schemas';
import * as z from 'zod';
import { structureRoutes } from '../routes';

const classPath = z.object({ classId: z.uuid() }).strict();

export const handler = schoolRoutes(structureRoutes(), {
  ...resourceHandlers('/api/academic-years', academicYears, academicYear),
  ...resourceHandlers('/api/terms', terms, term),
  ...resourceHandlers('/api/grade-levels', gradeLevels, gradeLevel),
  ...resourceHandlers('/api/subjects', subjects, subject),
  ...resourceHandlers('/api/classes', classes, schoolClass, 'classId'),
  'GET /api/classes/{classId}/assignments': async ({ event, db }) =>
    json(200, await classAssignmentsOf(db, parsePath(classPath, event).classId)),
  'PUT /api/classes/{classId}/assignments': async ({ event, db, principal }) =>
    json(
      200,
      await setClassAssignments(
        db,
        principal.userId,
        parsePath(classPath, event).classId,
        parseBody(classAssignments, event),
      ),
    ),
  'GET /api/me/classes': async ({ db, principal }) => json(200, await myClasses(db, principal.userId)),
  'GET /api/school/settings': async ({ db }) => json(200, await readSettings(db)),
  'PUT /api/school/settings': async ({ event, db, principal }) =>
    json(200, await writeSettings(db, principal.userId, parseBody(schoolSettings, event))),
});
