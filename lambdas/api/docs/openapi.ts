import * as z from 'zod';
import { apiContract, type RouteContract } from '../api-contract';
import { type RouteDefinition, routeKey, routes } from '../routes';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of what a client sends or receives. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function operation(route: RouteDefinition, contract: RouteContract) {
  const status = String(contract.status ?? 200);
  const isPublic = route.access === 'public';
  return {
    operationId: routeKey(route)
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_|_$/g, ''),
    summary: route.summary,
    tags: [route.path.split('/')[2] ?? 'api'],
    ...(isPublic
      ? { security: [] }
      : { description: `Roles: ${(route.access as readonly string[]).join(', ')}.`, security: [{ bearer: [] }] }),
    parameters: [...parameters(contract.path, 'path'), ...parameters(contract.query, 'query')],
    ...(contract.csvBody
      ? { requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } } }
      : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(contract.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [status]: contract.html
        ? { description: 'A web page', content: { 'text/html': { schema: { type: 'string' } } } }
        : contract.response
          ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(contract.response, 'output') } } }
          : { description: 'Done, nothing to return' },
      ...(contract.body || contract.csvBody || contract.query || contract.path
        ? { 400: errorResponse('Invalid input, field by field') }
        : {}),
      ...(isPublic
        ? {}
        : { 401: errorResponse('No valid token'), 403: errorResponse('Not allowed for this role or school') }),
      ...(contract.path ? { 404: errorResponse('Not found') } : {}),
      ...(route.method !== 'GET' ? { 409: errorResponse('Conflicts with what exists') } : {}),
    },
  };
}

/**
 * The OpenAPI 3.1 document of the API, generated from the route manifest and the zod
 * schemas the handlers validate with; never written by hand.
 */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const contract = apiContract[routeKey(route)];
    if (!contract) throw new Error(`No contract for ${routeKey(route)}.`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, contract);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Campus Cloud API',
      version,
      description:
        "School management for many schools. The school comes only from the signed-in user's token; lists are paged with cursors.",
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'fields'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['path', 'message'],
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
