import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { DescribeCalls } from '../iam/aws-calls';
import { type LocalIam, type ProtectedService, restJsonErrorReply } from '../iam/local-iam';
import { type RunningServer, startHttpServer } from '../http-server';
import { type LocalAwsEnvironment, type SynthesizedStack, TemplateValues } from '../step-functions/template-values';

/** A WebSocket API of the synthesized templates: its id, its stage and the function behind each route. */
export interface LocalWebSocketApi {
  /** What `Ref` of the API gives locally; the ARNs of its grants name it. */
  readonly apiId: string;
  readonly stageName: string;
  /** Route key (`$connect`, `$disconnect`, `$default`) → the function's ARN and whether its answer goes back. */
  readonly routes: ReadonlyMap<string, { readonly functionArn: string; readonly returnsResponse: boolean }>;
}

const refOf = (value: unknown): string | undefined =>
  value && typeof value === 'object' && 'Ref' in value ? String(value.Ref) : undefined;

/** Every WebSocket API of the templates, with its stage and route integrations resolved to local values. */
export function webSocketApisIn(
  stacks: readonly SynthesizedStack[],
  environment: LocalAwsEnvironment,
): LocalWebSocketApi[] {
  const values = new TemplateValues(stacks, environment);
  return stacks.flatMap(({ template }) => {
    const resources = Object.entries(template.Resources ?? {});
    const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
    return ofType('AWS::ApiGatewayV2::Api')
      .filter(([, api]) => api.Properties?.ProtocolType === 'WEBSOCKET')
      .map(([apiLogicalId]) => {
        const forApi = (type: string) =>
          ofType(type).filter(([, resource]) => refOf(resource.Properties?.ApiId) === apiLogicalId);
        const [stage] = forApi('AWS::ApiGatewayV2::Stage');
        if (!stage) throw new Error(`The WebSocket API ${apiLogicalId} has no stage.`);
        const answeringRoutes = new Set(
          forApi('AWS::ApiGatewayV2::RouteResponse').map(([, r]) => refOf(r.Properties?.RouteId)),
        );
        const routes = new Map<string, { functionArn: string; returnsResponse: boolean }>();
        for (const [routeLogicalId, route] of forApi('AWS::ApiGatewayV2::Route')) {
          // Target: `integrations/<integration id>`; the integration's URI ends `…/functions/<arn>/invocations`.
          const target = route.Properties?.Target as { 'Fn::Join': [string, unknown[]] } | undefined;
          const integrationId = target?.['Fn::Join'][1].map(refOf).find(Boolean);
          const integration = integrationId ? template.Resources[integrationId] : undefined;
          const uri = String(values.resolve(template, integration?.Properties?.IntegrationUri ?? ''));
          const functionArn = /\/functions\/(arn:aws:lambda:[^/]+)\/invocations$/.exec(uri)?.[1];
          if (!functionArn)
            throw new Error(`The route ${routeLogicalId} of ${apiLogicalId} has no Lambda integration.`);
          routes.set(String(route.Properties?.RouteKey), {
            functionArn,
            returnsResponse: answeringRoutes.has(routeLogicalId),
          });
        }
        return {
          apiId: String(values.resolve(template, { Ref: apiLogicalId })),
          stageName: String(stage[1].Properties?.StageName),
          routes,
        };
      });
  });
}

/**
 * API Gateway's connection management calls (`POST|GET|DELETE /<stage>/@connections/<id>`), each
 * `execute-api:ManageConnections` on `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/@connections/<id>`.
 */
export const manageConnectionsCalls =
  (apiId: string): DescribeCalls =>
  (request, { region, accountId }) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    return [
      {
        action: 'execute-api:ManageConnections',
        resource: `arn:aws:execute-api:${region}:${accountId}:${apiId}${path.replace(/^\/([^/]+)/, `/$1/${request.method.toUpperCase()}`)}`,
      },
    ];
  };

export interface LiveApiOptions {
  readonly api: LocalWebSocketApi;
  readonly iam: LocalIam;
  /** Invokes a route's function (by ARN) with its event and answers its result. */
  readonly invoke: (functionArn: string, event: unknown) => Promise<unknown>;
  /** Where the connections are opened, for the events' `domainName`. */
  readonly domainName: string;
  readonly log?: (line: string) => void;
}

export interface LocalLiveApi {
  /** Opens a connection from an HTTP upgrade (the gateway hands over `/live`). */
  readonly upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** `…/<stage>`: the management endpoint, as a stage's callback URL is on AWS. */
  readonly managementUrl: string;
  /** Connections open now. */
  readonly connections: () => number;
  close(): Promise<void>;
}

interface OpenConnection {
  readonly socket: WebSocket;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  lastActiveAt: number;
}

interface Answer {
  readonly statusCode?: number;
  readonly body?: string;
}

/**
 * An API Gateway WebSocket API on this machine, with the same protocol: `$connect` is invoked
 * before the handshake completes and refuses it with its status, `$default` gets each message
 * (its answer goes back if the route returns a response), `$disconnect` follows a close; the
 * functions post to connections through the management API (SigV4 and IAM as on AWS), where a
 * connection that has gone answers 410 GoneException.
 */
export async function startLiveApi(options: LiveApiOptions): Promise<LocalLiveApi> {
  const { api, log = () => undefined } = options;
  const open = new Map<string, OpenConnection>();
  let closing = false;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });

  const context = (connectionId: string, eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT', routeKey: string) => {
    const now = Date.now();
    const connection = open.get(connectionId);
    return {
      routeKey,
      eventType,
      messageDirection: 'IN',
      stage: api.stageName,
      apiId: api.apiId,
      domainName: options.domainName,
      connectionId,
      connectedAt: connection?.connectedAt ?? now,
      requestId: randomUUID(),
      extendedRequestId: randomUUID(),
      requestTimeEpoch: now,
      requestTime: new Date(now).toISOString(),
      identity: { sourceIp: connection?.sourceIp ?? '127.0.0.1', userAgent: connection?.userAgent ?? '' },
    };
  };
  const call = async (routeKey: string, event: unknown): Promise<Answer | undefined> => {
    const route = api.routes.get(routeKey) ?? api.routes.get('$default');
    if (!route) return undefined;
    return (await options.invoke(route.functionArn, event)) as Answer | undefined;
  };
  const refuse = (socket: Duplex, status: number) => {
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\n\r\n`);
  };

  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // API Gateway's connection ids: 12 random bytes in base64.
    const connectionId = randomBytes(12).toString('base64');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : (value ?? ''),
      ]),
    );
    const query = Object.fromEntries(url.searchParams);
    const connecting = {
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      requestContext: context(connectionId, 'CONNECT', '$connect'),
      isBase64Encoded: false,
    };
    call('$connect', connecting).then(
      (answer) => {
        const status = answer?.statusCode ?? 200;
        if (status < 200 || status > 299) return refuse(socket, status === 401 ? 401 : 403);
        sockets.handleUpgrade(request, socket, head, (ws) => {
          open.set(connectionId, {
            socket: ws,
            connectedAt: Date.now(),
            lastActiveAt: Date.now(),
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          });
          ws.on('message', (data) => {
            const connection = open.get(connectionId);
            if (connection) connection.lastActiveAt = Date.now();
            const body = (
              Array.isArray(data)
                ? Buffer.concat(data)
                : Buffer.isBuffer(data)
                  ? data
                  : Buffer.from(new Uint8Array(data))
            ).toString('utf8');
            const route = api.routes.has('$default') ? '$default' : undefined;
            if (!route) return;
            call(route, {
              body,
              requestContext: { ...context(connectionId, 'MESSAGE', route), messageId: randomUUID() },
              isBase64Encoded: false,
            }).then(
              (answer) => {
                if (api.routes.get(route)?.returnsResponse && answer?.body) ws.send(answer.body);
              },
              (error: unknown) => log(`[live] ${route} failed: ${String(error)}`),
            );
          });
          ws.on('close', (code, reason) => {
            const event = {
              requestContext: {
                ...context(connectionId, 'DISCONNECT', '$disconnect'),
                disconnectStatusCode: code,
                disconnectReason: reason.toString('utf8'),
              },
              isBase64Encoded: false,
            };
            open.delete(connectionId);
            // The platform is stopping: its functions go too, and the connection records with its state.
            if (closing) return;
            call('$disconnect', event).catch((error: unknown) => log(`[live] $disconnect failed: ${String(error)}`));
          });
        });
      },
      (error: unknown) => {
        log(`[live] $connect failed: ${String(error)}`);
        refuse(socket, 500);
      },
    );
  };

  // The management API: what a function with `execute-api:ManageConnections` may do with a connection.
  const service: ProtectedService = {
    signingName: 'execute-api',
    calls: manageConnectionsCalls(api.apiId),
    deniedStatus: 403,
    reply: restJsonErrorReply,
  };
  const manage = (request: IncomingMessage & { rawBody: Buffer }, response: ServerResponse) => {
    const match = new RegExp(`^/${api.stageName}/@connections/([^/?]+)$`).exec(
      new URL(request.url ?? '/', 'http://localhost').pathname,
    );
    if (!match) return restJsonErrorReply(response, { status: 404, code: 'NotFoundException', message: 'Not found' });
    const connectionId = decodeURIComponent(match[1]!);
    const connection = open.get(connectionId);
    if (!connection || connection.socket.readyState !== connection.socket.OPEN) {
      return restJsonErrorReply(response, { status: 410, code: 'GoneException', message: 'The connection has gone.' });
    }
    switch (request.method) {
      case 'POST':
        connection.socket.send(request.rawBody.toString('utf8'));
        return response.writeHead(200).end();
      case 'DELETE':
        connection.socket.close(1000);
        return response.writeHead(204).end();
      case 'GET':
        return response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            ConnectedAt: new Date(connection.connectedAt).toISOString(),
            LastActiveAt: new Date(connection.lastActiveAt).toISOString(),
            Identity: { SourceIp: connection.sourceIp, UserAgent: connection.userAgent },
          }),
        );
      default:
        return restJsonErrorReply(response, { status: 400, code: 'BadRequestException', message: 'Unknown method.' });
    }
  };
  const management: RunningServer = await startHttpServer(options.iam.guard(service, manage), 0);

  return {
    upgrade,
    managementUrl: `${management.url}/${api.stageName}`,
    connections: () => open.size,
    close: async () => {
      closing = true;
      for (const { socket } of open.values()) socket.terminate();
      open.clear();
      sockets.close();
      await management.close();
    },
  };
}
