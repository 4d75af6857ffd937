import { requestSchoolRescore, type SchoolRescoreMessage } from '../../shared/rescore-jobs';
import type { DataApiSession } from '../../shared/data-api';
import type { SchoolRequest } from '../school-handler';
import type { ImportResult } from './import.schemas';

export type CsvImporter = (
  db: DataApiSession,
  actor: string,
  text: string,
  mode: 'dry-run' | 'commit',
) => Promise<ImportResult>;

/** What an import route reads, as its declaration validated it: the file's text and the mode. */
type ImportRequest = SchoolRequest & { readonly body: string; readonly query: { readonly mode: 'dry-run' | 'commit' } };

/**
 * The implementation of one import route: the importer reads the file (`imports.routes.ts`
 * declares it `text/csv`, at most `maxCsvBytes`) in the mode asked for; a committed import
 * that changed records has the whole school scored again, in the background.
 */
export function csvImportRoute(importer: CsvImporter, reason: SchoolRescoreMessage['reason']) {
  return async ({ db, principal, body, query: { mode } }: ImportRequest): Promise<ImportResult> => {
    const result = await importer(db, principal.userId, body, mode);
    if (mode === 'commit' && result.invalid === 0 && result.new + (result.updated ?? 0) > 0) {
      await requestSchoolRescore({ schoolId: principal.schoolId, reason });
    }
    return result;
  };
}
