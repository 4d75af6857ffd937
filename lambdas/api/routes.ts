import type { Role } from '../shared/roles';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** Path as API Gateway writes it, with `{name}` parameters, always under `/api`. */
  readonly path: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly handler: string;
  /** `public` needs no token; otherwise a verified token with one of these roles. */
  readonly access: 'public' | readonly Role[];
  readonly summary: string;
}

/**
 * The route manifest: the single source of the HTTP API's routes. The CDK API stack
 * creates one route (and one function per handler module) from each entry; the local
 * gateway serves the same entries. Only routes that work belong here.
 */
export const routes: readonly RouteDefinition[] = [
  {
    method: 'GET',
    path: '/api/health',
    handler: 'lambdas/api/health/get-health.handler.ts',
    access: 'public',
    summary: 'Service health: version, stage and server time.',
  },
  {
    method: 'GET',
    path: '/api/me',
    handler: 'lambdas/api/session/get-me.handler.ts',
    access: ['platform-operator', 'school-admin', 'teacher', 'bursar', 'guardian'],
    summary: 'The signed-in caller: user id, roles and school, from the verified token.',
  },
];

/** `GET /api/health` — the form of API Gateway's `routeKey`. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * A handler's name, unique because module paths are: `lambdas/api/health/get-health.handler.ts`
 * → `api.health.get-health`. Used for construct ids, alarm names and local function names.
 */
export function handlerName(handlerPath: string): string {
  return handlerPath
    .replace(/^lambdas\//, '')
    .replace(/\.handler\.ts$/, '')
    .replace(/\//g, '.');
}

export function findRoute(key: string): RouteDefinition | undefined {
  return routes.find((route) => routeKey(route) === key);
}
