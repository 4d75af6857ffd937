import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { apiHandler, reply } from '../../lambdas/api/api-handler';
import { healthRoutes } from '../../lambdas/api/health/health.routes';
import { routeGroup } from '../../lambdas/api/route-contract';
import { schoolRoutes } from '../../lambdas/api/school-handler';
import { studentRoutes } from '../../lambdas/api/students/students.routes';
import { metrics } from '../../lambdas/shared/observability';
import { useCapturedOutput } from '../support/captured-output';

// The suite turns metrics off for handlers; this file checks them, so it turns them on before the imports run.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const eventFor = (
  routeKey: string,
  parts: { query?: Record<string, string>; params?: Record<string, string>; body?: string; type?: string } = {},
) => {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    routeKey,
    rawPath: path,
    headers: parts.type ? { 'content-type': parts.type } : {},
    queryStringParameters: parts.query,
    pathParameters: parts.params,
    body: parts.body,
    isBase64Encoded: false,
    requestContext: { http: { method, path }, requestId: 'r1', routeKey },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
};
const context = { functionName: 'f', awsRequestId: 'r1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const health = eventFor('GET /api/health');
const answer = async (handler: ReturnType<typeof apiHandler>, event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  (await handler(event, context)) as APIGatewayProxyStructuredResultV2;

describe('API handler: metrics', () => {
  const output = useCapturedOutput();

  it('publishes the metrics a request recorded, in CloudWatch embedded metric format', async () => {
    const handler = apiHandler(healthRoutes, {
      getHealth: async () => {
        metrics.addMetric('ProbeCount', MetricUnit.Count, 2);
        return { status: 'ok' as const, version: '1', stage: 's', time: new Date().toISOString(), components: {} };
      },
    });
    await handler(health, context);
    const emf = output().find((line) => line.includes('"ProbeCount"'));
    expect(emf).toBeDefined();
    expect(JSON.parse(emf!)._aws.CloudWatchMetrics[0].Namespace).toBe('CampusCloud');
  });

  it('writes nothing, and warns about nothing, when a request recorded no metric', async () => {
    const handler = apiHandler(healthRoutes, {
      getHealth: async () => ({
        status: 'ok' as const,
        version: '1',
        stage: 's',
        time: '2026-01-01T00:00:00Z',
        components: {},
      }),
    });
    await handler(health, context);
    expect(output().filter((line) => /metric/i.test(line))).toEqual([]);
  });
});

/** A group of public routes, to see the dispatch read each route's declaration. */
const probes = routeGroup('test/probe.handler.ts', {
  search: {
    method: 'GET',
    path: '/api/probe',
    access: 'public',
    summary: 'search',
    query: z.object({ q: z.string().min(2), limit: z.coerce.number().int().max(10).default(5) }).strict(),
    response: { status: 200, body: z.object({ q: z.string(), limit: z.number() }) },
  },
  add: {
    method: 'POST',
    path: '/api/probe/{probeId}',
    access: 'public',
    summary: 'add',
    params: z.object({ probeId: z.uuid() }).strict(),
    body: z.object({ name: z.string() }).strict(),
    response: { status: 201, body: z.object({ id: z.string(), name: z.string() }) },
  },
  remove: {
    method: 'DELETE',
    path: '/api/probe/{probeId}',
    access: 'public',
    summary: 'remove',
    params: z.object({ probeId: z.uuid() }).strict(),
    response: { status: 204 },
  },
  upload: {
    method: 'PUT',
    path: '/api/probe',
    access: 'public',
    summary: 'upload',
    body: { csv: { maxBytes: 20 } },
    response: { status: 200, body: z.object({ lines: z.number() }), alsoAs: [207] },
  },
});
const probeHandler = apiHandler(probes, {
  search: async ({ query }) => query,
  add: async ({ params, body }) => ({ id: params.probeId, name: body.name }),
  remove: async () => undefined,
  upload: async ({ body }) => (body.includes('!') ? reply(207, { lines: 0 }) : { lines: body.split('\n').length }),
});
const id = '6f1c8e52-3f0a-4c59-9d1b-0d8a3f2b7c11';

describe('API handler: each route served as its declaration says', () => {
  it('validates the query, with its defaults, and answers the declared status', async () => {
    const ok = await answer(probeHandler, eventFor('GET /api/probe', { query: { q: 'ab' } }));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body!)).toEqual({ q: 'ab', limit: 5 });
    const refused = await answer(probeHandler, eventFor('GET /api/probe', { query: { q: 'a', limit: '50', x: '1' } }));
    expect(refused.statusCode).toBe(400);
    const fields = (JSON.parse(refused.body!) as { error: { fields: { path: string }[] } }).error.fields;
    expect(fields.map((field) => field.path).sort()).toEqual(['query', 'query.limit', 'query.q']);
  });

  it('validates path parameters and the JSON body, and answers 201 for a creation', async () => {
    const created = await answer(
      probeHandler,
      eventFor('POST /api/probe/{probeId}', { params: { probeId: id }, body: '{"name":"n"}' }),
    );
    expect([created.statusCode, JSON.parse(created.body!)]).toEqual([201, { id, name: 'n' }]);
    const badId = await answer(
      probeHandler,
      eventFor('POST /api/probe/{probeId}', { params: { probeId: 'x' }, body: '{"name":"n"}' }),
    );
    expect(JSON.parse(badId.body!).error.fields[0].path).toBe('path.probeId');
    const badBody = await answer(
      probeHandler,
      eventFor('POST /api/probe/{probeId}', { params: { probeId: id }, body: '{"name":1}' }),
    );
    expect(JSON.parse(badBody.body!).error.fields[0].path).toBe('body.name');
    const notJson = await answer(
      probeHandler,
      eventFor('POST /api/probe/{probeId}', { params: { probeId: id }, body: '{' }),
    );
    expect(notJson.statusCode).toBe(400);
  });

  it('answers 204 with no body where the declaration says so', async () => {
    const removed = await answer(probeHandler, eventFor('DELETE /api/probe/{probeId}', { params: { probeId: id } }));
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBeUndefined();
  });

  it('takes a CSV body only as text/csv and only up to its size, and answers another declared status when told', async () => {
    const csv = (body: string, type = 'text/csv') => eventFor('PUT /api/probe', { body, type });
    expect(JSON.parse((await answer(probeHandler, csv('a\nb'))).body!)).toEqual({ lines: 2 });
    expect((await answer(probeHandler, csv('a', 'application/json'))).statusCode).toBe(415);
    expect((await answer(probeHandler, csv('x'.repeat(21)))).statusCode).toBe(413);
    expect((await answer(probeHandler, csv('!'))).statusCode).toBe(207);
  });

  it("answers 404 for a route key outside the handler's own group", async () => {
    expect((await answer(probeHandler, health)).statusCode).toBe(404);
  });

  it('refuses, when the module loads, a handler that misses a declared route or implements one not in its group', () => {
    const implementations = {
      search: async () => ({ q: '', limit: 1 }),
      add: async () => ({ id: '', name: '' }),
      remove: async () => undefined,
    };
    expect(() => apiHandler(probes, implementations as never)).toThrow(/no implementation of upload/);
    expect(() => schoolRoutes(studentRoutes, { getHealth: async () => ({}) } as never)).toThrow(
      /no implementation of listStudents.*not in the group: getHealth/,
    );
  });
});

describe('API handler: versions', () => {
  const viaAlias = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
    ({
      ...event,
      rawQueryString: 'q=ab',
      headers: { ...event.headers, 'campus-api-alias': 'unversioned' },
    }) as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('names the version that answered on every answer, a refusal too', async () => {
    const ok = await answer(probeHandler, eventFor('GET /api/probe', { query: { q: 'ab' } }));
    expect(ok.headers?.['api-version']).toBe('v1');
    const bad = await answer(probeHandler, eventFor('GET /api/probe', { query: { q: 'a' } }));
    expect([bad.statusCode, bad.headers?.['api-version']]).toEqual([400, 'v1']);
    expect(ok.headers?.deprecation).toBeUndefined();
  });

  it('answers an unversioned alias with Deprecation, Sunset and a link to its v1 address until the sunset day ends', async () => {
    const ok = await answer(probeHandler, viaAlias(eventFor('GET /api/probe', { query: { q: 'ab' } })));
    expect(ok.statusCode).toBe(200);
    expect(ok.headers).toMatchObject({
      'api-version': 'v1',
      deprecation: `@${Date.parse('2026-12-07T00:00:00Z') / 1000}`,
      sunset: 'Tue, 31 Aug 2027 23:59:59 GMT',
    });
    expect(ok.headers?.link).toContain('</api/probe?q=ab>; rel="successor-version"');
    expect(ok.headers?.link).toContain('</api/versions>; rel="deprecation"');
  });

  it('answers 410 Gone on the alias once its sunset day is over, naming the versioned path', async () => {
    vi.useFakeTimers({ now: new Date('2027-09-01T00:00:01Z'), toFake: ['Date'] });
    try {
      const gone = await answer(probeHandler, viaAlias(eventFor('GET /api/probe', { query: { q: 'ab' } })));
      expect(gone.statusCode).toBe(410);
      expect(JSON.parse(gone.body!).error).toMatchObject({ code: 'API_VERSION_RETIRED' });
      expect(JSON.parse(gone.body!).error.message).toContain('/api/probe');
      // The versioned address itself still answers.
      const ok = await answer(probeHandler, eventFor('GET /api/probe', { query: { q: 'ab' } }));
      expect(ok.statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});
