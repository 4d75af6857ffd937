import * as z from 'zod';
import { routeGroup } from '../route-contract';

export const docsRoutes = routeGroup('lambdas/api/docs/docs.handler.ts', {
  getOpenApiDocument: {
    method: 'GET',
    path: '/api/openapi.json',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route declarations.',
    response: { status: 200, body: z.record(z.string(), z.unknown()) },
  },
  getDocsPage: {
    method: 'GET',
    path: '/api/docs',
    access: 'public',
    summary: 'A readable page of every route, its roles and what it does.',
    response: { status: 200, html: true },
  },
});
