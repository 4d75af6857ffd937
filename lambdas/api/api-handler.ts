import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { errorResponse, HttpError } from '../shared/http';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
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

/** The API's error policy: a refusal is its JSON answer; anything else is logged and a plain 500. */
function apiError(error: unknown): ApiResult {
  if (error instanceof HttpError) return errorResponse(error);
  logger.error('unhandled error', error as Error);
  return errorResponse(new HttpError(500, 'INTERNAL', 'Something went wrong on our side.'));
}

/**
 * Wraps a domain call as an HTTP API handler (see `lambdaHandler`): the access rule of the
 * route (from the handler's own group of the route manifest), and errors mapped to JSON
 * responses (never a stack trace).
 */
export function apiHandler(ownRoutes: readonly RouteDefinition[], handle: (request: ApiRequest) => Promise<ApiResult>) {
  const byKey = new Map(ownRoutes.map((route) => [routeKey(route), route]));
  return lambdaHandler<ApiEvent, ApiResult>(
    async (event, context) => {
      const route = byKey.get(event.routeKey);
      if (!route) throw new HttpError(404, 'NOT_FOUND', `No route ${event.routeKey}.`);
      return await handle({ event, principal: authorize(route, event), context });
    },
    { answer: apiError },
  );
}
