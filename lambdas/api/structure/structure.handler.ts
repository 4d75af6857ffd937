import { resourceImplementations } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { classAssignmentsOf, myClasses, readSettings, setClassAssignments, writeSettings } from './structure';
import {
  academicYearResource,
  classResource,
  gradeLevelResource,
  structureRoutes,
  subjectResource,
  termResource,
} from './structure.routes';

export const handler = schoolRoutes(structureRoutes, {
  ...resourceImplementations(academicYearResource),
  ...resourceImplementations(termResource),
  ...resourceImplementations(gradeLevelResource),
  ...resourceImplementations(subjectResource),
  ...resourceImplementations(classResource),
  getClassAssignments: async ({ db, params }) => classAssignmentsOf(db, params.classId),
  setClassAssignments: async ({ db, params, body }) => setClassAssignments(db, params.classId, body),
  listMyClasses: async ({ db, principal }) => myClasses(db, principal.userId),
  getSchoolSettings: async ({ db }) => readSettings(db),
  putSchoolSettings: async ({ db, body }) => writeSettings(db, body),
});
