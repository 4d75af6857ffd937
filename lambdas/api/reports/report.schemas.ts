import * as z from 'zod';
import { reportKinds, reportRequest } from '../../shared/report-requests';
import { pageQuery } from '../validation';

export { reportRequest };

export const reportPath = z.object({ reportId: z.uuid() }).strict();
export const reportListQuery = z.object({ ...pageQuery }).strict();

export const reportView = z.object({
  id: z.uuid(),
  kind: z.enum(reportKinds),
  /** What it covers: a term and a class or student, or a student's fees. */
  scope: z.record(z.string(), z.string()),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  requestedBy: z.string(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  pages: z.number().int().nullable(),
  failure: z.string().nullable(),
  /** When done: a link to the PDF, valid for 15 minutes (ask again for a fresh one). */
  downloadUrl: z.url().optional(),
});
export type ReportView = z.infer<typeof reportView>;
