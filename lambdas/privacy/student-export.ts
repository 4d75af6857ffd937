import { auditEntry } from '../shared/audit-entry';
import { type DataApiSession, typed } from '../shared/data-api';
import { logger } from '../shared/observability';
import { exportKeptDays, privacyExportKey, privacyTransitions } from '../shared/privacy-requests';
import { exportArchive } from './export-archive';
import { exportReadMe, renderExportSummary, type SummarySchool } from './export-summary';
import { readStudentRecords } from './student-records';

/** Where the archive goes (the exports bucket), and how it is removed. */
export interface ExportFiles {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export const audited = (action: string) =>
  auditEntry({ action, entity: 'privacy-request', after: 'moved', rows: 'one', people: ['student_id'] });

/**
 * Takes a queued request (a request already past running is done, and a repeated message
 * changes nothing), audited as the worker's start: its kind and student, or nothing to do.
 */
export async function startRequest(
  db: DataApiSession,
  requestId: string,
): Promise<{ kind: 'export' | 'erasure'; studentId: string | null } | undefined> {
  const [taken] = await db.query<{ kind: 'export' | 'erasure'; studentId: string | null }>(
    `WITH ${privacyTransitions.start()}, ${audited('start')} SELECT kind, student_id AS "studentId" FROM moved`,
    { requestId: typed.uuid(requestId) },
  );
  return taken;
}

/**
 * Writes a student's export (the request taken by `startRequest`): reads every part, stores the
 * archive, and marks it ready with its manifest, each step audited. Answers what to log.
 */
export async function produceStudentExport(
  db: DataApiSession,
  files: ExportFiles,
  schoolId: string,
  requestId: string,
  studentId: string | null,
): Promise<Record<string, unknown>> {
  if (!studentId) {
    await markFailed(db, requestId, 'The student is no longer in the school’s records.');
    return { outcome: 'no-student' };
  }
  const started = Date.now();
  const [school] = await db.query<SummarySchool>(`SELECT name, locale, currency FROM school_settings`);
  const parts = await readStudentRecords(db, studentId);
  const { pdf } = await renderExportSummary(school!, parts, new Date());
  const { zip, manifest } = exportArchive(parts, pdf, exportReadMe(school!, parts));
  const key = privacyExportKey(schoolId, requestId);
  await files.put(key, zip, 'application/zip');
  const [ready] = await db.query<{ id: string }>(
    `WITH ${privacyTransitions.ready()}, ${audited('ready')} SELECT id FROM moved`,
    {
      requestId: typed.uuid(requestId),
      objectKey: key,
      manifest: typed.json(manifest),
      sizeBytes: zip.length,
    },
  );
  // Another attempt finished first: its file is the one the request names; this one is the same bytes.
  if (!ready) logger.warn('the export was finished by another attempt');
  return {
    outcome: 'ready',
    bytes: zip.length,
    rows: parts.reduce((n, p) => n + p.rows.length, 0),
    ms: Date.now() - started,
  };
}

/** Removes an export's file once its one download link has expired, and forgets where it was. */
export async function removeExportFile(
  db: DataApiSession,
  files: ExportFiles,
  requestId: string,
): Promise<Record<string, unknown>> {
  const [row] = await db.query<{ objectKey: string | null; status: string }>(
    `SELECT object_key AS "objectKey", status FROM privacy_requests WHERE id = :requestId`,
    { requestId: typed.uuid(requestId) },
  );
  if (!row?.objectKey || row.status !== 'downloaded') return { outcome: 'nothing-to-remove' };
  await removeFileOf(db, files, { id: requestId, objectKey: row.objectKey });
  return { outcome: 'removed' };
}

/** Removes a request's file, then records (audited) that it is gone: a retry after a stop removes it again, harmlessly. */
async function removeFileOf(
  db: DataApiSession,
  files: Pick<ExportFiles, 'remove'>,
  request: { id: string; objectKey: string },
): Promise<void> {
  await files.remove(request.objectKey);
  await db.query(`WITH ${privacyTransitions.fileRemoved()}, ${audited('remove-file')} SELECT id FROM moved`, {
    requestId: typed.uuid(request.id),
  });
}

/**
 * Removes the files of exports that waited past their days without being downloaded (the link is
 * refused by then), each removal audited; the run's retention step calls it every night. Answers
 * how many went.
 */
export async function removeUnfetchedExports(db: DataApiSession, files: Pick<ExportFiles, 'remove'>): Promise<number> {
  const waiting = await db.query<{ id: string; objectKey: string }>(
    `SELECT id, object_key AS "objectKey" FROM privacy_requests
      WHERE status = 'ready' AND object_key IS NOT NULL AND finished_at < now() - interval '${exportKeptDays} days'
      ORDER BY finished_at LIMIT 500`,
  );
  for (const request of waiting) await removeFileOf(db, files, request);
  return waiting.length;
}

export async function markFailed(db: DataApiSession, requestId: string, failure: string): Promise<void> {
  await db.query(`WITH ${privacyTransitions.failed()}, ${audited('fail')} SELECT id FROM moved`, {
    requestId: typed.uuid(requestId),
    failure,
  });
}
