import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importAttendance } from './attendance-import';

export const handler = schoolRoutes({
  'POST /api/imports/attendance': csvImportRoute(importAttendance, 'attendance-import'),
});
