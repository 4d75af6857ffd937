import * as z from 'zod';
import { routeGroup } from '../route-contract';

export const ApiVersionsResponse = z.object({
  /** The version new clients should use. */
  current: z.string(),
  versions: z.array(
    z.object({
      version: z.string(),
      status: z.enum(['current', 'supported', 'deprecated', 'retired']),
      released: z.iso.date(),
      deprecated: z.iso.date().optional(),
      sunset: z.iso.date().optional(),
      /** Its OpenAPI document and readable page. */
      openapi: z.string(),
      docs: z.string(),
    }),
  ),
  /** The paths without a version, kept as aliases of one version until their sunset. */
  unversioned: z.object({
    aliasOf: z.string(),
    status: z.enum(['deprecated', 'retired']),
    deprecated: z.iso.date(),
    sunset: z.iso.date(),
  }),
});

export const docsRoutes = routeGroup('lambdas/api/docs/docs.handler.ts', {
  getOpenApiDocument: {
    method: 'GET',
    path: '/api/v1/openapi.json',
    access: 'public',
    summary: 'This version of the API as an OpenAPI 3.1 document, generated from the route declarations.',
    response: { status: 200, body: z.record(z.string(), z.unknown()) },
  },
  getDocsPage: {
    method: 'GET',
    path: '/api/v1/docs',
    access: 'public',
    summary: 'A readable page of every route of this version, its roles and what it does.',
    response: { status: 200, html: true },
  },
  listApiVersions: {
    method: 'GET',
    path: '/api/versions',
    access: 'public',
    summary: "The API's versions, their status and dates, and the unversioned paths' sunset.",
    response: { status: 200, body: ApiVersionsResponse },
  },
});
