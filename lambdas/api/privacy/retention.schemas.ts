import * as z from 'zod';
import { retentionKinds } from '../../shared/retention-policy';

const years = z.int().min(0).max(100).nullable();

/** Years each kind is kept after a student leaves (null: kept); kinds left out stay as they are. */
export const retentionPolicyInput = z
  .object(
    Object.fromEntries(retentionKinds.map((kind) => [kind, years.optional()])) as Record<
      (typeof retentionKinds)[number],
      z.ZodOptional<typeof years>
    >,
  )
  .strict()
  .refine((policy) => Object.keys(policy).length > 0, { message: 'name at least one kind of record' });
export type RetentionPolicyInput = z.infer<typeof retentionPolicyInput>;

const yearsByKind = z.object(
  Object.fromEntries(retentionKinds.map((kind) => [kind, z.int().nullable()])) as Record<
    (typeof retentionKinds)[number],
    z.ZodNullable<z.ZodInt>
  >,
);

/** The school's policy, the suggestion for its country, and what the last nightly runs removed. */
export const retentionPolicyView = z.object({
  /** Years kept after leaving by kind, as set; null: kept (nothing of that kind is ever removed). */
  policy: yearsByKind,
  /** When the policy last changed and by whom; null while none is set. */
  updatedAt: z.iso.datetime().nullable(),
  updatedBy: z.string().nullable(),
  /** Where a school of this country might start (to review with the data protection officer). */
  suggested: yearsByKind,
  runs: z.array(
    z.object({
      runId: z.string(),
      ranAt: z.iso.datetime(),
      removed: z.record(z.string(), z.int()),
    }),
  ),
});
export type RetentionPolicyView = z.infer<typeof retentionPolicyView>;
