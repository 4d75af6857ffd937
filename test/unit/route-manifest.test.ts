import { describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../lambdas/api/routes';

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
});
