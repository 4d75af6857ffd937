import { describe, expect, it } from 'vitest';
import * as manifest from '../../lambdas/api/routes';
import { type RouteDefinition, routeKey, routes } from '../../lambdas/api/routes';

describe('the route manifest', () => {
  it('has each method and path once', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('names a path parameter the same in every route that shares the path up to it', () => {
    const names = new Map<string, string>();
    for (const route of routes) {
      const parts = route.path.split('/');
      parts.forEach((part, index) => {
        const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!parameter) return;
        const prefix = parts.slice(0, index).join('/');
        const known = names.get(prefix);
        expect(known === undefined || known === parameter, `${route.path}: {${parameter}} vs {${known}}`).toBe(true);
        names.set(prefix, parameter);
      });
    }
  });

  it('keeps every route under /api with a handler module and a summary', () => {
    for (const route of routes) {
      expect(route.path.startsWith('/api/')).toBe(true);
      expect(route.handler).toMatch(/^lambdas\/api\/[\w/-]+\.handler\.ts$/);
      expect(route.summary.length).toBeGreaterThan(5);
    }
  });

  it('is the union of the domain groups, and a handler module finds all its routes in one group', () => {
    // A handler module takes its group (`studentRoutes()`…), not the whole manifest, to keep its bundle small.
    const groups = Object.entries(manifest).filter((entry): entry is [string, () => RouteDefinition[]] =>
      /^[a-z]+Routes$/.test(entry[0]),
    );
    const grouped = groups.flatMap(([, group]) => group().map(routeKey));
    expect([...grouped].sort()).toEqual(routes.map(routeKey).sort());
    const groupOf = new Map<string, string>();
    for (const [name, group] of groups) {
      for (const route of group()) {
        expect(groupOf.get(route.handler) ?? name, route.handler).toBe(name);
        groupOf.set(route.handler, name);
      }
    }
  });
});
