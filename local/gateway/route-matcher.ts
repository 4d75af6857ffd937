import { type RouteDefinition, routeKey } from '../../lambdas/api/routes';

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

const compile = (path: string) =>
  new RegExp(
    `^${path
      .split('/')
      .map((part) =>
        /^\{[A-Za-z0-9_]+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  );

/**
 * Matches requests to manifest routes as HTTP APIs do: literal paths before paths with
 * parameters, and no match answers 404.
 */
export function routeMatcher(routes: readonly RouteDefinition[]) {
  const compiled = routes
    .map((route) => ({ route, pattern: compile(route.path), literal: !route.path.includes('{') }))
    .sort((a, b) => Number(b.literal) - Number(a.literal));
  return (method: string, path: string): RouteMatch | undefined => {
    for (const { route, pattern } of compiled) {
      if (route.method !== method) continue;
      const found = pattern.exec(path);
      if (found) {
        const pathParameters = Object.fromEntries(
          Object.entries(found.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
        );
        return { route, routeKey: routeKey(route), pathParameters };
      }
    }
    return undefined;
  };
}
