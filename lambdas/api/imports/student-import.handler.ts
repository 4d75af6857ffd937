import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importStudents } from './student-import';

export const handler = schoolRoutes({ 'POST /api/imports/students': csvImportRoute(importStudents, 'student-import') });
