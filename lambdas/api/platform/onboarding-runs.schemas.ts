import * as z from 'zod';

export const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const onboardingRunsQuery = z
  .object({
    status: executionStatus.exclude(['PENDING_REDRIVE']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(3000).optional(),
  })
  .strict();

/** An execution's name: what `StartExecution` was given (`onboard-<slug>-<time>`). */
export const onboardingRunPath = z
  .object({ runName: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'is not an execution name') })
  .strict();

export const onboardingRun = z.object({
  name: z.string(),
  status: executionStatus,
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
});
export const onboardingRunPage = z.object({ items: z.array(onboardingRun), nextCursor: z.string().nullable() });

/** One run as an operator follows it: the school asked for, each step so far, and how it ended. */
export const onboardingRunDetail = onboardingRun.extend({
  school: z.object({ slug: z.string().nullable(), name: z.string().nullable(), schoolId: z.string().nullable() }),
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['running', 'succeeded', 'failed']),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
    }),
  ),
  error: z.string().nullable(),
});
export type OnboardingRun = z.infer<typeof onboardingRun>;
export type OnboardingRunDetail = z.infer<typeof onboardingRunDetail>;
