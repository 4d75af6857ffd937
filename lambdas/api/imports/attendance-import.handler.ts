import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importAttendance } from './attendance-import';
import { importRoutes } from '../routes';

export const handler = schoolRoutes(importRoutes(), {
  'POST /api/imports/attendance': csvImportRoute(importAttendance, 'attendance-import'),
});
