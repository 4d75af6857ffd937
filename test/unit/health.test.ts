import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../lambdas/api/health/get-health.handler';
import type { HealthReport as HealthResponse } from '../../lambdas/api/health/health.schemas';
import { describeHealth, fetchHealth, type Health } from '../../web/src/health';

function apiEvent(routeKey: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '23/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const context = {
  functionName: 'health',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 5000,
} as unknown as Context;

describe('GET /api/health handler', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.CAMPUS_STAGE = 'test';
    process.env.CAMPUS_VERSION = '9.9.9';
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('answers 200 with version, stage and the current time', async () => {
    const before = Date.now();
    const result = (await handler(apiEvent('GET /api/health'), context)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(result.body!) as HealthResponse;
    expect(body).toMatchObject({ status: 'ok', stage: 'test', version: '9.9.9' });
    expect(Date.parse(body.time)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers a route missing from the manifest with a JSON 404, not a crash', async () => {
    const result = (await handler(apiEvent('GET /api/nowhere'), context)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body!).error.code).toBe('NOT_FOUND');
  });

  it('answers 500 without details when its environment is broken', async () => {
    delete process.env.CAMPUS_VERSION;
    const result = (await handler(apiEvent('GET /api/health'), context)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('CAMPUS_VERSION');
  });
});

describe('web app health line', () => {
  const health: Health = {
    status: 'ok',
    version: '1.2.3',
    stage: 'dev',
    time: '2026-11-23T10:00:00.000Z',
    components: { dynamodb: { status: 'up', latencyMs: 3 } },
  };

  it('reads what the API returns', () => {
    const fromApi: HealthResponse = { ...health, components: {} };
    const read: Health = fromApi;
    expect(read.status).toBe('ok');
  });

  it('describes a healthy platform, a degraded one and an unreachable one', () => {
    expect(describeHealth({ ok: true, health })).toMatch(/^Up — version 1.2.3, stage dev/);
    const degraded: Health = {
      ...health,
      status: 'degraded',
      components: { postgres: { status: 'down', latencyMs: 5, detail: 'X' }, dataApi: { status: 'up', latencyMs: 5 } },
    };
    expect(describeHealth({ ok: true, health: degraded })).toMatch(/^Degraded — down: postgres \(/);
    expect(describeHealth({ ok: false, reason: 'HTTP 502' })).toBe('The platform cannot be reached: HTTP 502');
  });

  it('turns fetch outcomes into results', async () => {
    const ok = await fetchHealth(async () => new Response(JSON.stringify(health), { status: 200 }));
    expect(ok).toEqual({ ok: true, health });
    expect(await fetchHealth(async () => new Response('', { status: 502 }))).toEqual({ ok: false, reason: 'HTTP 502' });
    const degraded = { ...health, status: 'degraded', components: { postgres: { status: 'down', latencyMs: 1 } } };
    expect(await fetchHealth(async () => new Response(JSON.stringify(degraded), { status: 503 }))).toEqual({
      ok: true,
      health: degraded,
    });
    expect(
      await fetchHealth(async () => {
        throw new Error('offline');
      }),
    ).toEqual({ ok: false, reason: 'offline' });
  });
});
