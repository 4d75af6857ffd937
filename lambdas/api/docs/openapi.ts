import * as z from 'zod';
import { schoolRoles } from '../../shared/roles';
import { fullScope, integrationScopeNames } from '../../shared/integration-scopes';
import { isCsvFile, isFormFields, isIntegrationAccess, type RouteDefinition } from '../route-contract';
import { routes } from '../routes';
import { currentApiVersion, versionOfPath } from '../api-versions';

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

type ErrorSchemaName = 'Error' | 'GatewayError' | 'AnyError' | 'ImsxStatusInfo';

const errorResponse = (description: string, schema: ErrorSchemaName = 'Error') => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});

/** A route only a school's people may call: it works on a school's database. */
const isSchoolRoute = (route: RouteDefinition) =>
  route.access !== 'public' &&
  (isIntegrationAccess(route.access) || route.access.every((role) => schoolRoles.includes(role)));

/** Who may call: a person's token with a role, or an integration's client token with a scope. */
function security(access: RouteDefinition['access']) {
  if (access === 'public') return { security: [] };
  if (isIntegrationAccess(access)) {
    return {
      description: `Integrations whose client holds ${access.integration.join(' or ')}.`,
      security: access.integration.map((name) => ({ integration: [fullScope(name)] })),
    };
  }
  return { description: `Roles: ${access.join(', ')}.`, security: [{ bearer: [] }] };
}

function requestBody(route: RouteDefinition) {
  if (!route.body) return {};
  const content = isCsvFile(route.body)
    ? { 'text/csv': { schema: { type: 'string', maxLength: route.body.csv.maxBytes } } }
    : isFormFields(route.body)
      ? { 'application/x-www-form-urlencoded': { schema: jsonSchema(route.body.form, 'input') } }
      : { 'application/json': { schema: jsonSchema(route.body, 'input') } };
  return { requestBody: { required: true, content } };
}

function success(route: RouteDefinition) {
  const { response } = route;
  if (response.html) {
    return { description: 'A web page', content: { 'text/html': { schema: { type: 'string' } } } };
  }
  const roundTrips = isSchoolRoute(route)
    ? {
        headers: {
          'x-campus-data-api-calls': {
            description: 'Data API round trips the request made (at most two).',
            schema: { type: 'integer' },
          },
        },
      }
    : {};
  if (!response.body) return { description: 'Done, nothing to return', ...roundTrips };
  return {
    description: 'OK',
    ...roundTrips,
    content: { 'application/json': { schema: jsonSchema(response.body, 'output') } },
  };
}

/** A route of a standard's own API (OneRoster's `/ims/…`): its refusals are in the standard's shape. */
export const isStandardRoute = (route: Pick<RouteDefinition, 'path'>) => route.path.startsWith('/ims/');

function operation(route: RouteDefinition) {
  const isPublic = route.access === 'public';
  const refusal = (description: string, schema: ErrorSchemaName = 'Error') =>
    errorResponse(description, isStandardRoute(route) && schema !== 'GatewayError' ? 'ImsxStatusInfo' : schema);
  const takesInput = Boolean(route.body || route.query || route.params);
  const answer = success(route);
  return {
    operationId: route.operation,
    summary: route.summary,
    // Who may call, in a form a client's tools (and the breaking-change check) can read.
    'x-access':
      route.access === 'public'
        ? 'public'
        : isIntegrationAccess(route.access)
          ? { scopes: route.access.integration }
          : { roles: route.access },
    tags: [route.path.replace(/^\/api\/(v\d+\/)?/, '').split('/')[0] || 'api'],
    ...security(route.access),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...requestBody(route),
    responses: {
      [String(route.response.status)]: answer,
      ...Object.fromEntries((route.response.alsoAs ?? []).map((status) => [String(status), answer])),
      ...(takesInput ? { 400: refusal('Invalid input, field by field') } : {}),
      ...(isPublic
        ? {}
        : {
            401: errorResponse('No valid token (the JWT authorizer answers)', 'GatewayError'),
            403: refusal('Not allowed for this role or school'),
          }),
      ...(route.params || isSchoolRoute(route) ? { 404: refusal('Not found') } : {}),
      ...(route.method !== 'GET' ? { 409: refusal('Conflicts with what exists') } : {}),
      ...(route.gone ? { 410: errorResponse(route.gone) } : {}),
      ...(route.body
        ? { 413: errorResponse('The body is larger than the route takes (or the 10 MB API limit)', 'AnyError') }
        : {}),
      ...(isCsvFile(route.body) ? { 415: errorResponse('The body is not text/csv') } : {}),
      ...(isFormFields(route.body) ? { 415: errorResponse('The body is not a form') } : {}),
      ...(isStandardRoute(route) && route.method !== 'GET'
        ? { 422: refusal('Well-formed, but not something the school can take') }
        : {}),
      ...(isIntegrationAccess(route.access)
        ? {
            429: {
              ...refusal("Past the integration's rate: try again after Retry-After seconds"),
              headers: { 'retry-after': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
            },
          }
        : {}),
      ...(isSchoolRoute(route) ? { 503: refusal('The school is read-only for a few minutes while it is moved') } : {}),
    },
  };
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'fields'],
      additionalProperties: false,
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            additionalProperties: false,
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

/** OneRoster's `imsx_StatusInfo` of a failure, as the OneRoster routes answer it. */
const imsxStatusInfoSchema = {
  type: 'object',
  required: ['imsx_codeMajor', 'imsx_severity'],
  additionalProperties: false,
  properties: {
    imsx_codeMajor: { enum: ['success', 'processing', 'failure', 'unsupported'] },
    imsx_severity: { enum: ['status', 'warning', 'error'] },
    imsx_description: { type: 'string' },
    imsx_CodeMinor: {
      type: 'object',
      required: ['imsx_codeMinorField'],
      additionalProperties: false,
      properties: {
        imsx_codeMinorField: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['imsx_codeMinorFieldName', 'imsx_codeMinorFieldValue'],
            additionalProperties: false,
            properties: { imsx_codeMinorFieldName: { type: 'string' }, imsx_codeMinorFieldValue: { type: 'string' } },
          },
        },
      },
    },
  },
};

/** The routes of standards' own APIs (OneRoster 1.2), versioned by their own paths. */
export function standardRoutes(declared: readonly RouteDefinition[] = routes): RouteDefinition[] {
  return declared.filter(isStandardRoute);
}

/** A version's routes, with the routes outside any version (health, the version list, links in e-mails). */
export function routesOfVersion(version: string, declared: readonly RouteDefinition[] = routes): RouteDefinition[] {
  return declared.filter(
    (route) => route.path.startsWith('/api/') && (versionOfPath(route.path) ?? version) === version,
  );
}

/**
 * The OpenAPI 3.1 document of one version of the API, generated from the route declarations (the same zod
 * schemas the handlers validate with); never written by hand.
 */
export function openApiDocument(version: string = currentApiVersion, declared: readonly RouteDefinition[] = routes) {
  return documentOf(routesOfVersion(version, declared), {
    title: 'Campus Cloud API',
    version,
    description:
      "School management for many schools. The school comes only from the signed-in user's token; lists are paged with cursors.",
  });
}

/** The OpenAPI 3.1 document of the school's OneRoster 1.2 rostering and gradebook services, for integrations. */
export function oneRosterOpenApiDocument(declared: readonly RouteDefinition[] = routes) {
  return documentOf(standardRoutes(declared), {
    title: 'Campus Cloud OneRoster 1.2',
    version: 'v1p2',
    description:
      "The school's rostering and gradebook as OneRoster 1.2 (REST binding), for integrations with a client-credentials token of its scopes; the school is the token's. Lists take limit, offset, sort, orderBy, filter and fields; refusals are imsx_StatusInfo.",
  });
}

function documentOf(
  selected: readonly RouteDefinition[],
  info: { readonly title: string; readonly version: string; readonly description: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of selected) {
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        /** An integration's OAuth client (registered by the school admin), with the client-credentials grant. */
        integration: {
          type: 'oauth2',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: Object.fromEntries(integrationScopeNames.map((name) => [fullScope(name), name])),
            },
          },
        },
      },
      schemas: {
        Error: errorSchema,
        /** What API Gateway itself answers (no token, a body over its limit): a message only. */
        GatewayError: {
          type: 'object',
          required: ['message'],
          additionalProperties: false,
          properties: { message: { type: 'string' } },
        },
        AnyError: { oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }] },
        /** OneRoster's refusals: a failure with the spec's code minor, the platform's message as its description. */
        ImsxStatusInfo: imsxStatusInfoSchema,
      },
    },
  };
}
