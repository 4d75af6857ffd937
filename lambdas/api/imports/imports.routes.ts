import { routeGroup } from '../route-contract';
import { importMode, importResult, maxCsvBytes } from './import.schemas';

/** The CSV file itself is the body; `?mode=dry-run|commit` says what to do with it. */
const csvImport = (summary: string) =>
  ({
    method: 'POST',
    access: ['school-admin'],
    grants: ['queue-rescore'],
    summary,
    query: importMode,
    body: { csv: { maxBytes: maxCsvBytes } },
    response: { status: 200, body: importResult },
  }) as const;

// Each kind of import is its own function, so each carries only its own importer. A file of
// 20,000 rows takes seconds to check and write: more time (under the HTTP API's 30 s) and CPU.
const importFunction = { timeoutSeconds: 29, memorySize: 1024 };

export const studentImportRoutes = routeGroup(
  'lambdas/api/imports/student-import.handler.ts',
  {
    importStudents: {
      path: '/api/v1/imports/students',
      ...csvImport(
        'Import students with their guardians from a CSV file: mode=dry-run reports row by row, mode=commit writes all or nothing.',
      ),
    },
  },
  importFunction,
);

export const attendanceImportRoutes = routeGroup(
  'lambdas/api/imports/attendance-import.handler.ts',
  {
    importAttendance: {
      path: '/api/v1/imports/attendance',
      ...csvImport(
        'Import past attendance from a CSV file: mode=dry-run reports row by row, mode=commit writes all or nothing.',
      ),
    },
  },
  importFunction,
);

export const scoreImportRoutes = routeGroup(
  'lambdas/api/imports/score-import.handler.ts',
  {
    importScores: {
      path: '/api/v1/imports/scores',
      ...csvImport(
        'Import past scores from a CSV file, creating the assessments they belong to: mode=dry-run reports row by row, mode=commit writes all or nothing.',
      ),
    },
  },
  importFunction,
);
