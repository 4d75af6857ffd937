import * as z from 'zod';
import { integrationScopeNames } from '../../shared/integration-scopes';

export const integrationScope = z.enum(integrationScopeNames);

export const newIntegration = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** The data it may read or send: OneRoster's scopes (rostering, gradebook) and the platform's own (webhooks). */
    scopes: z
      .array(integrationScope)
      .min(1)
      .max(integrationScopeNames.length)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'lists a scope twice'),
    /** Requests a minute before it is answered 429. @default 600 */
    requestsPerMinute: z.int().min(1).max(6000).default(600),
  })
  .strict();
export type NewIntegration = z.infer<typeof newIntegration>;

export const integration = z.object({
  id: z.uuid(),
  name: z.string(),
  clientId: z.string(),
  scopes: z.array(integrationScope),
  requestsPerMinute: z.number().int(),
  status: z.enum(['active', 'revoked']),
  createdBy: z.string(),
  createdAt: z.string(),
  secretRotatedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type Integration = z.infer<typeof integration>;

/** An integration with its client's secret: answered once, when the secret is made. */
export const integrationWithSecret = z.object({ integration, clientSecret: z.string() });

export const integrationCall = z.object({
  at: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int(),
  requestId: z.string(),
});

export const integrationDetail = integration.extend({ recentCalls: z.array(integrationCall) });

export const integrationPath = z.object({ integrationId: z.uuid() }).strict();

export const integrationListQuery = z
  .object({
    status: z.enum(['active', 'revoked']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();

/** The calling integration, as its own token shows it. */
export const callingIntegration = z.object({
  id: z.uuid(),
  name: z.string(),
  schoolId: z.string(),
  scopes: z.array(integrationScope),
  requestsPerMinute: z.number().int(),
});
