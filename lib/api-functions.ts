import type { RouteGroup } from '../lambdas/api/route-contract';
import { routeGroups } from '../lambdas/api/routes';
import type { StageConfig } from './config';

/** An API function's timeout: its group's own, or the stage's for the API. */
export function apiFunctionTimeoutSeconds(config: StageConfig, group: RouteGroup): number {
  return group.function.timeoutSeconds ?? config.api.functionTimeoutSeconds;
}

/** What an API function's description says: its routes' summaries (Lambda takes up to 256 characters). */
export function apiFunctionDescription(group: RouteGroup): string {
  return group.routes
    .map((route) => route.summary)
    .join(' ')
    .slice(0, 256);
}

/** The longest any request of the API may run: what waiting out requests in flight takes. */
export function longestApiRequestSeconds(config: StageConfig, groups: readonly RouteGroup[] = routeGroups): number {
  return Math.max(...groups.map((group) => apiFunctionTimeoutSeconds(config, group)));
}
