import * as z from 'zod';
import { privacyRequesters, privacyRequestKinds, privacyRequestStatuses } from '../../shared/privacy-requests';
import { pageQuery } from '../validation';
import { studentId } from '../students/student.schemas';

/** The requester's own key for the request: sending it again (a retry) answers the same request. */
const clientKey = z.string().trim().min(8).max(100);

/**
 * A school admin's request about any student: their data as a file (`export`), or their erasure
 * (`erasure`, carried out once another school admin approves it).
 */
export const privacyRequestBody = z
  .object({ kind: z.enum(privacyRequestKinds), studentId: z.uuid(), clientKey })
  .strict();
export type PrivacyRequestBody = z.infer<typeof privacyRequestBody>;

/** A guardian's request about their own child (the child is the path's). */
export const childPrivacyRequestBody = z.object({ kind: z.enum(privacyRequestKinds), clientKey }).strict();
export type ChildPrivacyRequestBody = z.infer<typeof childPrivacyRequestBody>;

export const privacyRequestPath = z.object({ requestId: z.uuid() }).strict();

/** Why an erasure is refused (the law's exceptions: a legal obligation, a claim in progress…), told to the family. */
export const erasureRefusal = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
export type ErasureRefusal = z.infer<typeof erasureRefusal>;
export const childPrivacyRequestPath = studentId.extend({ requestId: z.uuid() }).strict();
export const childPrivacyRequestsPath = studentId;

export const privacyRequestListQuery = z
  .object({
    ...pageQuery,
    /** `open`: still owed (awaiting approval, queued or in work); `overdue`: open past the due date; or one status. */
    status: z.enum(['open', 'overdue', ...privacyRequestStatuses]).optional(),
    studentId: z.uuid().optional(),
  })
  .strict();
export type PrivacyRequestListQuery = z.infer<typeof privacyRequestListQuery>;

/** What an export holds, file by file: enough to check the archive without opening the person's data. */
export const exportManifest = z.object({
  files: z.array(z.object({ name: z.string(), rows: z.int().nullable(), bytes: z.int(), sha256: z.string() })),
});

export const privacyRequestView = z.object({
  id: z.uuid(),
  kind: z.enum(privacyRequestKinds),
  /** The student it is about; null once the student is no longer at the school's records. */
  student: z.object({ studentId: z.uuid(), name: z.string(), admissionNo: z.string() }).nullable(),
  status: z.enum(privacyRequestStatuses),
  requestedAs: z.enum(privacyRequesters),
  /** Who asked, by name (a guardian or an admin), or "Someone no longer at the school". */
  requestedBy: z.string(),
  /** Whether the caller asked it: only the requester downloads the file. */
  mine: z.boolean(),
  requestedAt: z.iso.datetime(),
  /** The day the school must have answered by (30 days after the request). */
  dueOn: z.iso.date(),
  /** Still owed and past its due date. */
  overdue: z.boolean(),
  finishedAt: z.iso.datetime().nullable(),
  /** Until when the file waits for its one download; null when there is none to fetch. */
  downloadableUntil: z.iso.datetime().nullable(),
  downloadedAt: z.iso.datetime().nullable(),
  sizeBytes: z.int().nullable(),
  manifest: exportManifest.nullable(),
  failure: z.string().nullable(),
  /** An erasure's decision: the admin who approved or refused it, by name, and when. */
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  /** Why an erasure was refused. */
  refusal: z.string().nullable(),
  /** What a finished erasure removed and kept (counts by table; the pseudonymous record's number). */
  outcome: z
    .object({
      removed: z.record(z.string(), z.int()),
      kept: z.object({ grades: z.int(), fees: z.int() }),
      pseudonym: z.string().nullable(),
      guardiansErased: z.int(),
      guardiansKept: z.int(),
    })
    .nullable(),
});
export type PrivacyRequestView = z.infer<typeof privacyRequestView>;

export const privacyRequestPage = z.object({ items: z.array(privacyRequestView), nextCursor: z.string().nullable() });
export type PrivacyRequestPage = z.infer<typeof privacyRequestPage>;

/** The one download of an export: a link that works for a few minutes, once handed out never again. */
export const exportDownload = z.object({ url: z.url(), expiresAt: z.iso.datetime(), fileName: z.string() });
export type ExportDownload = z.infer<typeof exportDownload>;
