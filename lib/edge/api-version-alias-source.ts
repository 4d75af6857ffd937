import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aliasRequestHeader, unversionedPaths, versionOfPath } from '../../lambdas/api/api-versions';
import type { RouteDefinition } from '../../lambdas/api/route-contract';

/** A route path as a regular expression source: `{name}` matches one segment. */
const pathPattern = (path: string) =>
  path
    .split('/')
    .map((part) => (/^\{\w+\}$/.test(part) ? '[^\\/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('\\/');

/**
 * The source of the `/api/*` behaviour's viewer-request function (`api-version-alias.js`),
 * completed from the route manifest: which `/api/` routes are outside any version, and which
 * version the unversioned paths stand for. The web stack deploys it; the local gateway runs it.
 */
export function apiVersionAliasSource(projectRoot: string, routes: readonly RouteDefinition[]): string {
  const unversioned = [
    ...new Set(
      routes.filter((route) => route.path.startsWith('/api/') && !versionOfPath(route.path)).map((r) => r.path),
    ),
  ];
  const pattern = unversioned.length ? `^(${unversioned.map(pathPattern).join('|')})$` : '(?!)';
  return readFileSync(join(projectRoot, 'lib', 'edge', 'api-version-alias.js'), 'utf8')
    .replace('__UNVERSIONED_ROUTES__', pattern)
    .replace('__ALIAS_OF__', unversionedPaths.aliasOf)
    .replace('__ALIAS_HEADER__', aliasRequestHeader);
}
