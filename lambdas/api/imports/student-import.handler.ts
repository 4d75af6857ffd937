import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importStudents } from './student-import';
import { importRoutes } from '../routes';

export const handler = schoolRoutes(importRoutes(), {
  'POST /api/imports/students': csvImportRoute(importStudents, 'student-import'),
});
