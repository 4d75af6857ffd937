import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCsvFile, routeKey } from '../../lambdas/api/route-contract';
import { docsRoutes } from '../../lambdas/api/docs/docs.routes';
import { routeGroups, routes } from '../../lambdas/api/routes';
import { projectRoot } from '../../lib/project';

const parametersOf = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
const keysOf = (schema: unknown) => {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).sort() : undefined;
};

describe('the route manifest', () => {
  it('has each method and path once, and each operation name once', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const operations = routes.map((route) => route.operation);
    expect(new Set(operations).size).toBe(operations.length);
    for (const operation of operations) expect(operation).toMatch(/^[a-z][A-Za-z]+$/);
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

  it("keeps every route under /api (or a standard's own /ims/oneroster paths) with a handler module and a summary", () => {
    for (const route of routes) {
      expect(route.path, routeKey(route)).toMatch(/^\/api\/|^\/ims\/oneroster\/(rostering|gradebook)\/v1p2\//);
      expect(route.handler).toMatch(/^lambdas\/api\/[\w/-]+\.handler\.ts$/);
      expect(route.summary.length).toBeGreaterThan(5);
    }
  });

  it('declares path parameters exactly as the path has them, and a body only where a client sends one', () => {
    for (const route of routes) {
      const declared = route.params ? keysOf(route.params) : [];
      expect(declared, routeKey(route)).toEqual(parametersOf(route.path));
      if (route.method === 'GET' || route.method === 'DELETE') expect(route.body, routeKey(route)).toBeUndefined();
      if (isCsvFile(route.body)) expect(route.body.csv.maxBytes).toBeGreaterThan(0);
    }
  });

  it('answers with a body on success exactly when the status has one', () => {
    for (const route of routes) {
      const { status, body, html } = route.response;
      expect(status === 204 ? !body && !html : Boolean(body) !== Boolean(html), routeKey(route)).toBe(true);
    }
  });

  it('is the union of the handler groups: one group per handler module, which takes only its own group', () => {
    const handlers = routeGroups.map((group) => group.handler);
    expect(new Set(handlers).size).toBe(handlers.length);
    for (const group of routeGroups) {
      for (const route of group.routes) expect(route.handler).toBe(group.handler);
      // The module serves its group by reference; the whole manifest would put every schema in its
      // bundle (only the docs, which describe every route, read it).
      const source = readFileSync(join(projectRoot, group.handler), 'utf8');
      if (group !== docsRoutes) expect(source, group.handler).not.toMatch(/from '\.\.\/routes'/);
    }
  });
});
