import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

/**
 * The JWT authorizer's context as HTTP APIs fill it: every claim a string, arrays
 * flattened to `[a b]`, and the token's scopes listed.
 */
function jwtContext(claims: Record<string, string | string[]>): { claims: Record<string, string>; scopes: string[] } {
  const flat = Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : value]),
  );
  const scope = claims.scope;
  return { claims: flat, scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [] };
}

/** What every HTTP API event says of its request, its route and when it came. */
function requestContext(request: IncomingMessage, url: URL, headers: Record<string, string>, routeKey: string) {
  const now = new Date();
  return {
    accountId: '000000000000',
    apiId: 'local',
    domainName: headers.host ?? 'localhost',
    domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
    http: {
      method: request.method ?? 'GET',
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: crypto.randomUUID(),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
  };
}

/** Turns an HTTP request into the event API Gateway HTTP APIs send (payload format 2.0). */
export function httpApiEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  match: { routeKey: string; pathParameters: Record<string, string> },
  claims: Record<string, string | string[]> | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const isText = /^(application\/(json|x-www-form-urlencoded)|text\/)/.test(
    headers['content-type'] ?? 'application/json',
  );
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      ...requestContext(request, url, headers, match.routeKey),
      authorizer: claims ? { principalId: '', integrationLatency: 0, jwt: jwtContext(claims) } : undefined,
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** The event of a Lambda authorizer (payload format 2.0, REQUEST) for a request to a route. */
export function authorizerEvent(
  request: IncomingMessage,
  url: URL,
  routeKey: string,
  pathParameters: Record<string, string>,
): APIGatewayRequestAuthorizerEventV2 {
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])),
  );
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${routeKey.replace(' ', '')}`,
    identitySource: headers.authorization ? [headers.authorization] : [],
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: [],
    headers,
    queryStringParameters: Object.fromEntries(url.searchParams),
    pathParameters,
    stageVariables: {},
    requestContext: requestContext(request, url, headers, routeKey),
  } as unknown as APIGatewayRequestAuthorizerEventV2;
}
