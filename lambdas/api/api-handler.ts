import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { errorResponse, HttpError } from '../shared/http';
import { logger, metrics, tracer } from '../shared/observability';
import { authorize, type Principal } from './principal';
import { type RouteDefinition, routeKey } from './routes';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyResultV2;

export interface ApiRequest {
  readonly event: ApiEvent;
  /** The verified caller, or undefined on a public route. */
  readonly principal: Principal | undefined;
  /** The Lambda context: remaining time, request id. */
  readonly context: Context;
}

/**
 * Flushes metrics only when the request recorded some: Powertools' own middleware warns on
 * every request that records none, which is most of them.
 */
const publishIfRecorded = () => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};
const publishRecordedMetrics: middy.MiddlewareObj<ApiEvent, ApiResult> = {
  after: publishIfRecorded,
  onError: publishIfRecorded,
};

/**
 * Wraps a domain call as an HTTP API handler: Powertools logging, metrics and tracing,
 * the access rule of the route (from the handler's own group of the route manifest), and
 * errors mapped to JSON responses (never a stack trace).
 */
export function apiHandler(ownRoutes: readonly RouteDefinition[], handle: (request: ApiRequest) => Promise<ApiResult>) {
  const byKey = new Map(ownRoutes.map((route) => [routeKey(route), route]));
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(publishRecordedMetrics)
    .handler(async (event, context) => {
      try {
        const route = byKey.get(event.routeKey);
        if (!route) throw new HttpError(404, 'NOT_FOUND', `No route ${event.routeKey}.`);
        return await handle({ event, principal: authorize(route, event), context });
      } catch (error) {
        if (error instanceof HttpError) return errorResponse(error);
        logger.error('unhandled error', error as Error);
        return errorResponse(new HttpError(500, 'INTERNAL', 'Something went wrong on our side.'));
      }
    });
}
