import { requestSchoolRescore, type SchoolRescoreMessage } from '../../shared/rescore-jobs';
import type { DataApiSession } from '../../shared/data-api';
import { HttpError, json } from '../../shared/http';
import type { SchoolRequest } from '../school-handler';
import { bodyText, parseQuery } from '../validation';
import { type ImportResult, importMode, maxCsvBytes } from './import.schemas';

export type CsvImporter = (
  db: DataApiSession,
  actor: string,
  text: string,
  mode: 'dry-run' | 'commit',
) => Promise<ImportResult>;

/**
 * The route of one import: the CSV file itself is the body (`text/csv`, at most
 * `maxCsvBytes`), `?mode=dry-run|commit` says what to do with it. Each kind of import is
 * its own function, so each carries only its own importer.
 */
export function csvImportRoute(importer: CsvImporter, reason: SchoolRescoreMessage['reason']) {
  return async ({ event, db, principal }: SchoolRequest) => {
    if (!/^text\/csv\b/.test(event.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
    }
    const text = bodyText(event, maxCsvBytes);
    const { mode } = parseQuery(importMode, event);
    const result = await importer(db, principal.userId, text, mode);
    // A committed import that changed records has the whole school scored again, in the background.
    if (mode === 'commit' && result.invalid === 0 && result.new + (result.updated ?? 0) > 0) {
      await requestSchoolRescore({ schoolId: principal.schoolId, reason });
    }
    return json(200, result);
  };
}
