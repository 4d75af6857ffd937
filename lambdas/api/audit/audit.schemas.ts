import * as z from 'zod';

export const auditQuery = z
  .object({
    entity: z
      .string()
      .regex(/^[a-z-]{1,40}$/)
      .optional(),
    entityId: z.string().max(200).optional(),
    actor: z.string().max(200).optional(),
    /** Entries about this person (a student, guardian or member of staff). */
    subject: z.uuid().optional(),
    /** The entries one request made. */
    requestId: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Entries older than this id (the cursor is the last id seen). */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict()
  .refine((query) => !query.entityId || query.entity, { message: 'is needed with entityId', path: ['entity'] });
export type AuditQuery = z.infer<typeof auditQuery>;

/**
 * One entry: who (`actor`), when (`at`), which request, what (`action` on `entity`), about whom
 * (`subjects`), and the rows before and after (a row, an array of rows, or arrays by part; one
 * too large to list here is summarised as `{ omitted: true, rows }`).
 */
export const auditEntry = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actor: z.string(),
  requestId: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  subjects: z.array(z.uuid()),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** The newest entries first; `nextBefore` is the `before` of the next page, if there is one. */
export const auditPage = z.object({ items: z.array(auditEntry), nextBefore: z.number().int().nullable() });
