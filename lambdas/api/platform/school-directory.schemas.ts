import * as z from 'zod';
import { schoolStatuses } from '../../shared/school-lifecycle';

export const schoolListQuery = z
  .object({
    status: z.enum(schoolStatuses).default('ACTIVE'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .strict();

/** A school as the tenant directory lists it for operators: where it lives and in what state, no school data. */
export const directorySchool = z.object({
  schoolId: z.string(),
  slug: z.string(),
  name: z.string(),
  shardGroupId: z.string(),
  database: z.string(),
  status: z.enum(schoolStatuses),
  schemaVersion: z.number().int(),
  plan: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  failureReason: z.string().optional(),
  /** While an offboarding waits for an operator's approval: since when. */
  approvalRequestedAt: z.iso.datetime().optional(),
  /** Until when the record and archive of a DELETED school are kept. */
  retainUntil: z.string().optional(),
});
export type DirectorySchool = z.infer<typeof directorySchool>;

export const directorySchoolPage = z.object({ items: z.array(directorySchool), nextCursor: z.string().nullable() });
