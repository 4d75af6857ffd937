import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { apiVersions } from '../../lambdas/api/api-versions';
import { openApiDocument } from '../../lambdas/api/docs/openapi';
import type { RouteDefinition } from '../../lambdas/api/route-contract';
import { routes } from '../../lambdas/api/routes';
import { newStudent, student, studentListQuery } from '../../lambdas/api/students/student.schemas';
import { apiChanges } from '../../scripts/openapi/breaking-changes';
import { readPublishedDocument } from '../../scripts/openapi/published-documents';

/** The manifest with one route's declaration changed, as a developer's edit would change it. */
function withRoute(operation: string, change: (route: RouteDefinition) => RouteDefinition | undefined) {
  return routes.flatMap((route) => {
    if (route.operation !== operation) return [route];
    const changed = change(route);
    return changed ? [changed] : [];
  });
}

const published = readPublishedDocument('v1')!;
const breakingOf = (changed: readonly RouteDefinition[]) =>
  apiChanges(published, openApiDocument('v1', changed)).breaking;
const copy = <T>(value: T): T => structuredClone(value);

describe('the published v1 contract (npm run openapi; --record adds what is new)', () => {
  it('is published for every served version, and the routes as declared now break none of it', () => {
    for (const { version, status } of apiVersions) {
      if (status === 'retired') continue;
      const document = readPublishedDocument(version);
      expect(document, `${version} has no published document: run npm run openapi`).toBeDefined();
      const { breaking } = apiChanges(document!, openApiDocument(version));
      expect(breaking, `breaking changes to ${version}: declare them under the next version`).toEqual([]);
    }
  });

  it('fails on each kind of breaking change made to a copy of the route declarations', () => {
    // A route removed: its path goes (no other operation shares it).
    expect(breakingOf(withRoute('withdrawStudent', () => undefined))).toContain(
      '/api/v1/students/{studentId}/withdraw: path removed',
    );
    // An operation removed from a path that keeps others.
    expect(breakingOf(withRoute('enrolStudent', () => undefined))).toContain(
      'POST /api/v1/students: operation removed',
    );
    // A response field removed.
    expect(
      breakingOf(
        withRoute('enrolStudent', (route) => ({
          ...route,
          response: { status: 201, body: student.omit({ className: true }) },
        })),
      ),
    ).toContain('POST /api/v1/students 201.className: removed');
    // A response field that may now be absent.
    expect(
      breakingOf(
        withRoute('enrolStudent', (route) => ({
          ...route,
          response: { status: 201, body: student.extend({ enrolledOn: z.string().optional() }) },
        })),
      ),
    ).toContain('POST /api/v1/students 201.enrolledOn: no longer always present');
    // A request field made required.
    expect(
      breakingOf(
        withRoute('enrolStudent', (route) => ({ ...route, body: newStudent.extend({ dateOfBirth: z.iso.date() }) })),
      ),
    ).toContain('POST /api/v1/students body.dateOfBirth: made required');
    // An enum narrowed.
    expect(
      breakingOf(
        withRoute('listStudents', (route) => ({
          ...route,
          query: studentListQuery.extend({ sort: z.enum(['name']).default('name') }),
        })),
      ),
    ).toContain('GET /api/v1/students query sort: enum narrowed, no longer takes "admissionNo"');
    // A type narrowed: a number field that now takes only whole numbers within less.
    const narrowed = breakingOf(
      withRoute('listStudents', (route) => ({
        ...route,
        query: studentListQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(50) }),
      })),
    );
    expect(narrowed).toContain('GET /api/v1/students query limit: maximum narrowed from 200 to 100');
    expect(
      breakingOf(
        withRoute('enrolStudent', (route) => ({
          ...route,
          body: newStudent.extend({ givenName: z.int().optional() }),
        })),
      ).some((change) =>
        change.startsWith('POST /api/v1/students body.givenName: type narrowed from string to integer'),
      ),
    ).toBe(true);
    // Who may call: a role taken away, a public route that now needs a token.
    expect(breakingOf(withRoute('enrolStudent', (route) => ({ ...route, access: ['platform-operator'] })))).toContain(
      'POST /api/v1/students: no longer open to role school-admin',
    );
    expect(breakingOf(withRoute('listApiVersions', (route) => ({ ...route, access: ['school-admin'] })))).toContain(
      'GET /api/versions: now needs a token',
    );
    // A request field dropped from a schema that strips unknown fields: what a client sends is lost.
    expect(
      breakingOf(withRoute('listStudents', (route) => ({ ...route, query: studentListQuery.omit({ q: true }) }))),
    ).toContain('GET /api/v1/students query q: parameter removed');
    // A status code changed.
    expect(
      breakingOf(withRoute('enrolStudent', (route) => ({ ...route, response: { status: 200, body: student } }))),
    ).toContain('POST /api/v1/students: no longer answers 201');
  });

  it('fails on a changed response type and on a response field removed deep in a list', () => {
    type Node = { properties: Record<string, Node>; items: Node };
    const document = copy(openApiDocument('v1'));
    const list = (
      document.paths['/api/v1/students'] as {
        get: { responses: Record<string, { content: Record<string, { schema: Node }> }> };
      }
    ).get.responses['200']!.content['application/json']!.schema;
    delete list.properties.items!.items.properties.givenName;
    list.properties.nextCursor = { type: 'integer' } as unknown as Node;
    expect(apiChanges(published, document).breaking).toEqual(
      expect.arrayContaining([
        'GET /api/v1/students 200.items[].givenName: removed',
        'GET /api/v1/students 200.nextCursor: type changed from string|null to integer',
      ]),
    );
  });

  it('fails when the shared error body changes: every client reads it', () => {
    const document = copy(openApiDocument('v1'));
    const error = (document.components.schemas.Error as { properties: { error: { required: string[] } } }).properties
      .error;
    error.required = error.required.filter((field) => field !== 'fields');
    expect(apiChanges(published, document).breaking).toContain(
      'components.schemas.Error.error.fields: no longer always present',
    );
  });

  it('passes additions: a new route, a new optional request field, a new response field, a new status', () => {
    const added: RouteDefinition = {
      ...routes.find((route) => route.operation === 'listStudents')!,
      operation: 'listStudentsAgain',
      path: '/api/v1/students-again',
    };
    const changed = [
      ...withRoute('enrolStudent', (route) => ({
        ...route,
        body: newStudent.extend({ nickname: z.string().max(40).optional() }),
        response: { status: 201, body: student.extend({ nickname: z.string().nullable() }), alsoAs: [202] },
      })),
      added,
    ];
    const changes = apiChanges(published, openApiDocument('v1', changed));
    expect(changes.breaking).toEqual([]);
    expect(changes.additions).toEqual(
      expect.arrayContaining([
        '/api/v1/students-again: new path',
        'POST /api/v1/students body.nickname: new optional field',
        'POST /api/v1/students 201.nickname: new field',
        'POST /api/v1/students: may also answer 202',
      ]),
    );
  });
});
