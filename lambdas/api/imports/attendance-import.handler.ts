import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importAttendance } from './attendance-import';
import { attendanceImportRoutes } from './imports.routes';

export const handler = schoolRoutes(attendanceImportRoutes, {
  importAttendance: csvImportRoute(importAttendance, 'attendance-import'),
});
