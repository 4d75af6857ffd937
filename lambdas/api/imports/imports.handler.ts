import { HttpError, json } from '../../shared/http';
import { type SchoolRequest, schoolRoutes } from '../school-handler';
import { importAttendance } from './attendance-import';
import { bodyText, parseQuery } from '../validation';
import { importScores } from './score-import';
import { importStudents } from './student-import';
import { importMode, maxCsvBytes } from './import.schemas';

/** The file the request carries: `text/csv`, at most `maxCsvBytes`. */
function csvBody(event: SchoolRequest['event']): string {
  if (!/^text\/csv\b/.test(event.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
  }
  return bodyText(event, maxCsvBytes);
}

/** Imports take the CSV file itself as the body (`text/csv`). */
export const handler = schoolRoutes({
  'POST /api/imports/students': async ({ event, db, principal }) =>
    json(200, await importStudents(db, principal.userId, csvBody(event), parseQuery(importMode, event).mode)),
  'POST /api/imports/attendance': async ({ event, db, principal }) =>
    json(200, await importAttendance(db, principal.userId, csvBody(event), parseQuery(importMode, event).mode)),
  'POST /api/imports/scores': async ({ event, db, principal }) =>
    json(200, await importScores(db, principal.userId, csvBody(event), parseQuery(importMode, event).mode)),
});
