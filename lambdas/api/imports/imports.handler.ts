import { HttpError, json } from '../../shared/http';
import { schoolRoutes } from '../school-handler';
import { bodyText, parseQuery } from '../validation';
import { importStudents } from './student-import';
import { importMode, maxCsvBytes } from './student-import.schemas';

/** Imports take the CSV file itself as the body (`text/csv`). */
export const handler = schoolRoutes({
  'POST /api/imports/students': async ({ event, db, principal }) => {
    const { mode } = parseQuery(importMode, event);
    if (!/^text\/csv\b/.test(event.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
    }
    const text = bodyText(event, maxCsvBytes);
    return json(200, await importStudents(db, principal.userId, text, mode));
  },
});
