import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importStudents } from './student-import';
import { studentImportRoutes } from './imports.routes';

export const handler = schoolRoutes(studentImportRoutes, {
  importStudents: csvImportRoute(importStudents, 'student-import'),
});
