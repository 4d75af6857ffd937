import * as z from 'zod';
import { exportKinds, exportRequest } from '../../shared/export-jobs';
import { pageQuery } from '../validation';

export { exportRequest };

export const exportPath = z.object({ exportId: z.uuid() }).strict();

export const exportListQuery = z.object({ ...pageQuery }).strict();

export const exportView = z.object({
  id: z.uuid(),
  kind: z.enum(exportKinds),
  /** The filters it was asked with. */
  filters: z.record(z.string(), z.string()),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  requestedBy: z.string(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  rowCount: z.number().int().nullable(),
  failure: z.string().nullable(),
  /** When done: a link to the CSV file, valid for 15 minutes (ask again for a fresh one). */
  downloadUrl: z.url().optional(),
});
export type ExportView = z.infer<typeof exportView>;
