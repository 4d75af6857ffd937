import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { apiHandler } from '../../lambdas/api/api-handler';
import { healthRoutes, studentRoutes } from '../../lambdas/api/routes';
import { schoolRoutes } from '../../lambdas/api/school-handler';
import { json } from '../../lambdas/shared/http';
import { metrics } from '../../lambdas/shared/observability';
import { useCapturedOutput } from '../support/captured-output';

// The suite turns metrics off for handlers; this file checks them, so it turns them on before the imports run.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const event = {
  routeKey: 'GET /api/health',
  rawPath: '/api/health',
  headers: {},
  requestContext: { http: { method: 'GET', path: '/api/health' }, requestId: 'r1', routeKey: 'GET /api/health' },
} as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
const context = { functionName: 'f', awsRequestId: 'r1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

describe('API handler wrapper: metrics', () => {
  const output = useCapturedOutput();

  it('publishes the metrics a request recorded, in CloudWatch embedded metric format', async () => {
    const handler = apiHandler(healthRoutes(), async () => {
      metrics.addMetric('ProbeCount', MetricUnit.Count, 2);
      return json(200, {});
    });
    await handler(event, context);
    const emf = output().find((line) => line.includes('"ProbeCount"'));
    expect(emf).toBeDefined();
    expect(JSON.parse(emf!)._aws.CloudWatchMetrics[0].Namespace).toBe('CampusCloud');
  });

  it('writes nothing, and warns about nothing, when a request recorded no metric', async () => {
    await apiHandler(healthRoutes(), async () => json(200, {}))(event, context);
    expect(output().filter((line) => /metric/i.test(line))).toEqual([]);
  });
});

describe('API handler wrapper: routes', () => {
  it("answers 404 for a route key outside the handler's own group", async () => {
    const response = await apiHandler(studentRoutes(), async () => json(200, {}))(event, context);
    expect(response).toMatchObject({ statusCode: 404 });
  });

  it('refuses, when the module loads, a school handler for a route its group does not hold', () => {
    expect(() => schoolRoutes(studentRoutes(), { 'GET /api/health': async () => json(200, {}) })).toThrow(
      /not in the manifest group: GET \/api\/health/,
    );
  });
});
