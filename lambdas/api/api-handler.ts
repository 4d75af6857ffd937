import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { errorResponse, HttpError, json } from '../shared/http';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import {
  aliasAnswerHeaders,
  aliasRequestHeader,
  apiVersionHeader,
  currentApiVersion,
  unversionedPaths,
  versionOfPath,
} from './api-versions';
import { authorize, type Principal } from './principal';
import {
  isCsvFile,
  isFormFields,
  type RouteDefinition,
  type RouteGroup,
  routeKey,
  type RouteSpec,
  type RouteSpecs,
} from './route-contract';
import { bodyText, parseBody, parseForm, parsePath, parseQuery } from './validation';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyResultV2;

export interface ApiRequest {
  readonly event: ApiEvent;
  /** The verified caller, or undefined on a public route. */
  readonly principal: Principal | undefined;
  /** The Lambda context: remaining time, request id. */
  readonly context: Context;
}

/**
 * What a route's declaration lets its handler read, validated: path parameters, query and
 * body (a CSV file as text). Of a declaration not known here (`RouteSpec` itself), unknown.
 */
export interface Parsed<S extends RouteSpec> {
  readonly params: S extends { params: infer P extends z.ZodType }
    ? z.output<P>
    : 'params' extends keyof S
      ? unknown
      : Record<string, never>;
  readonly query: S extends { query: infer Q extends z.ZodType }
    ? z.output<Q>
    : 'query' extends keyof S
      ? unknown
      : Record<string, never>;
  readonly body: S extends { body: infer B }
    ? B extends z.ZodType
      ? z.output<B>
      : B extends { form: infer F extends z.ZodType }
        ? z.output<F>
        : string
    : 'body' extends keyof S
      ? unknown
      : undefined;
}

/** What a route's handler answers with on success, as its declaration says. */
export type Answer<S extends RouteSpec> = S extends { response: { html: true } }
  ? string
  : S extends { response: { status: 204 } }
    ? void
    : S extends { response: { body: infer R extends z.ZodType } }
      ? z.input<R>
      : unknown;

/** An answer with a status (one of those the route declares) or headers of its own. */
export class Reply<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

export const reply = <T>(status: number, body: T, headers?: Readonly<Record<string, string>>) =>
  new Reply(status, body, headers);

/** A route's implementation: what its declaration lets it read, to what it answers. */
export type Implementation<S extends RouteSpec, R> = (request: R & Parsed<S>) => Promise<Answer<S> | Reply<Answer<S>>>;

/** One implementation for each route of a group, by operation name. */
export type Implementations<S extends RouteSpecs, R> = { readonly [K in keyof S]: Implementation<S[K], R> };

/**
 * The route an API Gateway event is for, in a handler module's own group; the module is
 * refused when it loads if an operation of the group has no implementation, or one that
 * is not in the group.
 */
export function routeDispatch<S extends RouteSpecs>(group: RouteGroup<S>, implemented: readonly string[]) {
  const declared = group.routes.map((route) => route.operation);
  const missing = declared.filter((operation) => !implemented.includes(operation));
  const unknown = implemented.filter((operation) => !declared.includes(operation));
  if (missing.length || unknown.length) {
    throw new Error(
      `${group.handler}: ${[missing.length ? `no implementation of ${missing.join(', ')}` : '', unknown.length ? `not in the group: ${unknown.join(', ')}` : ''].filter(Boolean).join('; ')}.`,
    );
  }
  const byKey = new Map(group.routes.map((route) => [routeKey(route), route]));
  return (event: ApiEvent): RouteDefinition => {
    const route = byKey.get(event.routeKey);
    if (!route) throw new HttpError(404, 'NOT_FOUND', `No route ${event.routeKey}.`);
    return route;
  };
}

/** The request's parts, validated against the route's declaration: 400 with field errors, 413, 415. */
export function parseRequest(route: RouteDefinition, event: ApiEvent): Parsed<RouteSpec> {
  const params = route.params ? parsePath(route.params, event) : {};
  const query = route.query ? parseQuery(route.query, event) : {};
  let body: unknown;
  if (isCsvFile(route.body)) {
    if (!/^text\/csv\b/.test(event.headers?.['content-type'] ?? '')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
    }
    body = bodyText(event, route.body.csv.maxBytes);
  } else if (isFormFields(route.body)) {
    body = parseForm(route.body.form, event);
  } else if (route.body) {
    body = parseBody(route.body, event);
  }
  return { params, query, body };
}

const htmlHeaders = { 'content-type': 'text/html; charset=utf-8' };

/** The HTTP answer of a route's implementation, as its declaration says: JSON, a web page, or nothing (204). */
export function respond(route: RouteDefinition, answer: unknown): ApiResult {
  const answered: Reply<unknown> =
    answer instanceof Reply ? (answer as Reply<unknown>) : new Reply(route.response.status, answer);
  const { status, body, headers } = answered;
  if (status === 204) return { statusCode: 204, headers: { ...headers } };
  if (route.response.html) return { statusCode: status, headers: { ...htmlHeaders, ...headers }, body: String(body) };
  return json(status, body, headers);
}

/** The API's error policy: a refusal is its JSON answer; anything else is logged and a plain 500. */
function apiError(error: unknown): ApiResult {
  if (error instanceof HttpError) return errorResponse(error);
  logger.error('unhandled error', error as Error);
  return errorResponse(new HttpError(500, 'INTERNAL', 'Something went wrong on our side.'));
}

/**
 * What every handler module of the API shares, built by `lambdaHandler`: the route of the
 * event in the module's own group, the route's access rule, and errors as JSON (never a
 * stack trace); `serve` answers the request.
 */
export function routedHandler<S extends RouteSpecs>(
  group: RouteGroup<S>,
  implemented: readonly string[],
  serve: (route: RouteDefinition, request: ApiRequest) => Promise<ApiResult>,
) {
  const routeOf = routeDispatch(group, implemented);
  return lambdaHandler<ApiEvent, ApiResult>(
    async (event, context) => {
      const versioning = versionHeaders(event);
      try {
        if (versioning === 'retired') {
          throw new HttpError(
            410,
            'API_VERSION_RETIRED',
            `The unversioned API paths were retired after ${unversionedPaths.sunset}: call ${event.rawPath} instead.`,
          );
        }
        const route = routeOf(event);
        return withHeaders(await serve(route, { event, context, principal: authorize(route, event) }), versioning);
      } catch (error) {
        return withHeaders(apiError(error), versioning === 'retired' ? versionOf(event) : versioning);
      }
    },
    { answer: apiError },
  );
}

const versionOf = (event: ApiEvent) => ({
  [apiVersionHeader]: versionOfPath(event.requestContext.http.path) ?? currentApiVersion,
});

/**
 * The headers every answer carries: the version that answered and, when the edge served an
 * unversioned path as its alias, the deprecation headers; `retired` once the alias is past its sunset.
 */
function versionHeaders(event: ApiEvent): Readonly<Record<string, string>> | 'retired' {
  // A standard's own API (OneRoster's `/ims/…`) is versioned by its paths, not the platform's versions.
  const path = event.requestContext.http.path ?? '';
  if (path !== '' && !path.startsWith('/api/')) return {};
  if (event.headers?.[aliasRequestHeader] === undefined) return versionOf(event);
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  const alias = aliasAnswerHeaders(`${event.rawPath}${query}`);
  return alias === 'retired' ? alias : { ...versionOf(event), ...alias };
}

function withHeaders(result: ApiResult, headers: Readonly<Record<string, string>>): ApiResult {
  return typeof result === 'object' && result !== null && 'statusCode' in result
    ? { ...result, headers: { ...result.headers, ...headers } }
    : result;
}

/** Implementations by operation name, for a dispatcher that has already matched the route. */
export const byOperation = <R>(implementations: object) =>
  implementations as Readonly<Record<string, Implementation<RouteSpec, R>>>;

/**
 * A handler module of routes that need no school (health, docs, the caller, the platform
 * operators'): each route's request validated against its declaration, its answer shaped by it.
 */
export function apiHandler<S extends RouteSpecs>(
  group: RouteGroup<S>,
  implementations: Implementations<S, ApiRequest>,
) {
  const run = byOperation<ApiRequest>(implementations);
  return routedHandler(group, Object.keys(implementations), async (route, request) =>
    respond(route, await run[route.operation]!({ ...request, ...parseRequest(route, request.event) })),
  );
}
