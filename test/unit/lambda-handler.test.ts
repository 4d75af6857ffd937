import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { apiHandler } from '../../lambdas/api/api-handler';
import { healthRoutes } from '../../lambdas/api/health/health.routes';
import { DataApiSession } from '../../lambdas/shared/data-api';
import { lambdaHandler } from '../../lambdas/shared/lambda-handler';
import { stepHandler } from '../../lambdas/shared/step-handler';
import { useCapturedOutput } from '../support/captured-output';

// The suite turns metrics off for handlers; this file checks them, so it turns them on before the imports run.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const context = { functionName: 'f', awsRequestId: 'r1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

/** A session whose every call fails as the service would (not the caller's doing, so it counts as an error). */
function failingSession(): DataApiSession {
  const rdsData = {
    send: () =>
      Promise.reject(Object.assign(new Error('the service failed'), { name: 'InternalServerErrorException' })),
  } as unknown as RDSDataClient;
  return new DataApiSession({ resourceArn: 'arn', secretArn: 'secret', database: 'db' }, rdsData);
}

describe('every kind of handler publishes the Data API errors of its invocation', () => {
  const output = useCapturedOutput();
  const published = () =>
    output()
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } })
      .flatMap((emf) => emf._aws.CloudWatchMetrics.flatMap((group) => group.Metrics.map((metric) => metric.Name)));

  it('an API route: answers 500 and publishes DataApiErrors', async () => {
    const handler = apiHandler(healthRoutes, {
      getHealth: async () => {
        await failingSession().query('SELECT 1');
        throw new Error('not reached');
      },
    });
    const event = {
      routeKey: 'GET /api/health',
      requestContext: { http: { method: 'GET' }, requestId: 'r1' },
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(await handler(event, context)).toMatchObject({ statusCode: 500 });
    expect(published()).toContain('DataApiErrors');
  });

  it('a step of a state machine: fails by the error’s own name (for Retry and Catch) and publishes DataApiErrors', async () => {
    const handler = stepHandler({ 'read-school': () => failingSession().query('SELECT 1') });
    const failure = await handler({ step: 'read-school' }, context).catch((error: unknown) => error);
    expect((failure as Error).name).toBe('InternalServerErrorException');
    expect(published()).toContain('DataApiErrors');
  });

  it('a queue consumer: lets the batch fail (SQS delivers it again) and publishes DataApiErrors', async () => {
    const handler = lambdaHandler(async (_event: SQSEvent) => {
      await failingSession().execute('UPDATE t SET x = 1');
      return { batchItemFailures: [] };
    });
    await expect(handler({ Records: [] }, context)).rejects.toThrow('the service failed');
    expect(published()).toContain('DataApiErrors');
  });

  it('a call that succeeds publishes nothing and warns about nothing', async () => {
    const handler = lambdaHandler(async () => 'done');
    expect(await handler({}, context)).toBe('done');
    expect(published()).toEqual([]);
    expect(output().filter((line) => /metric/i.test(line))).toEqual([]);
  });
});
