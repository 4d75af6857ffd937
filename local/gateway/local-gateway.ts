import { webContentSecurityPolicy } from '../../lib/edge/content-security-policy';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { extname, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { handlerName, type RouteDefinition, routeGroups, routes as manifestRoutes } from '../../lambdas/api/routes';
import { localStage } from '../local-stage';
import { loadHandler } from '../handler-module';
import { FunctionTimeoutError } from '../lambda/function-host';
import { loadApiVersionAlias, loadSpaFallback } from './cloudfront-function';
import { apiVersionHeader, currentApiVersion } from '../../lambdas/api/api-versions';
import { authorizerEvent, httpApiEvent } from './http-api-event';
import { integrationAuthorizerHandler, isIntegrationAccess } from '../../lambdas/api/route-contract';
import { lambdaContext } from '../lambda-context';
import { routeMatcher } from './route-matcher';

type ApiHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;
/** Text the gateway compresses, as CloudFront does for the distribution (`compress: true`). */
const compressible = /^(text\/|application\/(javascript|json)|image\/svg)/;
const compressedFiles = new Map<string, { key: string; body: Buffer; encoding: 'br' | 'gzip' }>();

/** A web file as the browser asked for it: Brotli or gzip for text, kept until the file changes. */
async function compressed(
  file: string,
  info: { size: number; mtimeMs: number },
  type: string,
  acceptEncoding: string,
): Promise<{ body: Buffer; encoding?: 'br' | 'gzip' }> {
  const encoding = /\bbr\b/.test(acceptEncoding) ? 'br' : /\bgzip\b/.test(acceptEncoding) ? 'gzip' : undefined;
  if (!encoding || !compressible.test(type)) return { body: await readFile(file) };
  const key = `${encoding}:${info.size}:${info.mtimeMs}`;
  const cached = compressedFiles.get(file);
  if (cached?.key === key) return cached;
  const content = await readFile(file);
  const body = encoding === 'br' ? brotliCompressSync(content) : gzipSync(content);
  compressedFiles.set(file, { key, body, encoding });
  return { body, encoding };
}

/** The web stack's policy: locally the issuer and the API share the app's origin. */
const localContentSecurityPolicy = webContentSecurityPolicy({
  connectTo: [],
  formActionTo: [],
  upgradeInsecureRequests: false,
});

export type Claims = Record<string, string | string[]>;

export interface LocalGatewayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Project root: handler paths in the manifest are relative to it. */
  readonly projectRoot: string;
  /** The built web app (`web/dist`). */
  readonly webDir: string;
  /** @default the route manifest */
  readonly routes?: readonly RouteDefinition[];
  /**
   * Verifies a bearer token and returns its claims, or throws. Without one, routes that
   * need a token answer 401, as the HTTP API's JWT authorizer does for a missing token.
   */
  readonly verifyToken?: (token: string) => Promise<Claims>;
  /**
   * Other services on this origin, by path prefix (the local issuer under `/oauth2`),
   * as CloudFront behaviours and Cognito's domain are on AWS.
   */
  readonly mounts?: Readonly<Record<string, (request: IncomingMessage, response: ServerResponse) => void>>;
  /**
   * WebSocket endpoints on this origin, by exact path (the live API at `/live`, as CloudFront's
   * behaviour routes it on AWS); any other upgrade is refused.
   */
  readonly upgrades?: Readonly<Record<string, (request: IncomingMessage, socket: Duplex, head: Buffer) => void>>;
  /** Served as `/config.json`, as the web stack deploys it: where the app finds its issuer and client. */
  readonly webConfig?: Readonly<Record<string, unknown>>;
  /** Handler time limit of functions whose group sets none. @default the local stage's `api.functionTimeoutSeconds` */
  readonly handlerTimeoutMs?: number;
  /**
   * Runs a route's function with its event; rejects with a FunctionTimeoutError when its time
   * runs out. The platform runs each function in an environment of its own (FunctionHost).
   * @default the handler module loaded into this process, with its group's timeout
   */
  readonly invoke?: (handlerModule: string, event: unknown) => Promise<unknown>;
}

export interface LocalGateway {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's payload limit for HTTP APIs. */
const maxBodyBytes = 10 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${(ms / 1000).toFixed(2)} seconds`)),
        ms,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The local stand-in for CloudFront + the HTTP API: `/api/*` goes to the manifest's
 * handlers, run in-process with API Gateway's event and response formats; everything
 * else is the web app, with CloudFront's SPA fallback.
 */
/** A viewer-request function that changes nothing. */
const sameRequest = (uri: string, headers: Record<string, string>) => ({ uri, headers });

export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const match = routeMatcher(options.routes ?? manifestRoutes);
  const spaFallback = loadSpaFallback(options.projectRoot);
  const versionAlias = loadApiVersionAlias(options.projectRoot, options.routes ?? manifestRoutes);
  const webRoot = resolve(options.webDir);
  const handlers = new Map<string, Promise<ApiHandler>>();
  // Each function's timeout, as the API stack gives it: its group's own, or the stage's.
  const groupTimeouts = new Map(
    routeGroups.flatMap((group) =>
      group.function.timeoutSeconds ? [[group.handler, group.function.timeoutSeconds * 1000] as const] : [],
    ),
  );
  const timeoutOf = (handler: string) =>
    groupTimeouts.get(handler) ?? options.handlerTimeoutMs ?? localStage.api.functionTimeoutSeconds * 1000;

  const handlerFor = (modulePath: string) => {
    let loaded = handlers.get(modulePath);
    if (!loaded) {
      loaded = loadHandler<ApiHandler>(options.projectRoot, modulePath);
      handlers.set(modulePath, loaded);
    }
    return loaded;
  };
  const invokeHere = async (modulePath: string, event: unknown) => {
    const handler = await handlerFor(modulePath);
    const timeoutMs = timeoutOf(modulePath);
    return withTimeout(handler(event as never, lambdaContext(handlerName(modulePath), timeoutMs)), timeoutMs);
  };
  const invoke = options.invoke ?? invokeHere;

  async function serveApi(request: IncomingMessage, response: ServerResponse, viewerUrl: URL): Promise<void> {
    // `/ims/*` (OneRoster, versioned by its own paths) is a behaviour with neither of the API's edge parts.
    const standardPath = viewerUrl.pathname.startsWith('/ims/');
    // The API behaviour's response headers policy: every answer names a version, the origin's own if it gave one.
    if (!standardPath) response.setHeader(apiVersionHeader, currentApiVersion);
    // The behaviour's viewer-request function, which may serve an unversioned path as its alias.
    const aliased = (standardPath ? sameRequest : versionAlias)(
      viewerUrl.pathname,
      Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) =>
          typeof value === 'string' ? [[name, value] as const] : [],
        ),
      ),
    );
    for (const name of Object.keys(request.headers)) if (!(name in aliased.headers)) delete request.headers[name];
    Object.assign(request.headers, aliased.headers);
    const url = new URL(viewerUrl);
    url.pathname = aliased.uri;
    const found = match(request.method ?? 'GET', url.pathname);
    if (!found) return sendJson(response, 404, { message: 'Not Found' });
    let claims: Claims | undefined;
    let authorizerContext: Record<string, unknown> | undefined;
    if (isIntegrationAccess(found.route.access)) {
      // The integrations' Lambda authorizer (simple responses): `Unauthorized` is a 401, a refusal a 403.
      try {
        const verdict = (await invoke(
          integrationAuthorizerHandler,
          authorizerEvent(request, url, found.routeKey, found.pathParameters),
        )) as { isAuthorized?: boolean; context?: Record<string, unknown> } | undefined;
        if (!verdict?.isAuthorized) return sendJson(response, 403, { message: 'Forbidden' });
        authorizerContext = verdict.context ?? {};
      } catch (error) {
        if ((error as Error).message === 'Unauthorized') return sendJson(response, 401, { message: 'Unauthorized' });
        console.error('integration authorizer failed:', error);
        return sendJson(response, 500, { message: 'Internal Server Error' });
      }
    } else if (found.route.access !== 'public') {
      const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!token || !options.verifyToken) return sendJson(response, 401, { message: 'Unauthorized' });
      try {
        claims = await options.verifyToken(token);
      } catch {
        return sendJson(response, 401, { message: 'Unauthorized' });
      }
    }
    const body = await readBody(request);
    if (!body) return sendJson(response, 413, { message: 'Request Entity Too Large' });
    const event = httpApiEvent(request, url, body, found, claims);
    if (authorizerContext) {
      (event.requestContext as { authorizer?: unknown }).authorizer = { lambda: authorizerContext };
    }
    let result: Awaited<ReturnType<ApiHandler>>;
    try {
      result = (await invoke(found.route.handler, event)) as Awaited<ReturnType<ApiHandler>>;
    } catch (error) {
      if (error instanceof FunctionTimeoutError) {
        return sendJson(response, 503, { message: 'Service Unavailable' });
      }
      console.error(`handler ${found.route.handler} failed:`, error);
      return sendJson(response, 500, { message: 'Internal Server Error' });
    }
    // As HTTP APIs do, every answer names its request.
    response.setHeader('apigw-requestid', event.requestContext.requestId);
    if (typeof result === 'string' || result === undefined || result === null) {
      // HTTP APIs treat a non-structured result as a 200 JSON body.
      response.writeHead(200, { 'content-type': 'application/json' }).end(typeof result === 'string' ? result : '');
      return;
    }
    if (typeof result === 'object' && !('statusCode' in result)) {
      return sendJson(response, 200, result);
    }
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    response.writeHead(result.statusCode ?? 200, headers);
    response.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
  }

  async function serveWeb(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const uri = spaFallback(decodeURIComponent(url.pathname));
    const file = resolve(webRoot, `.${uri}`);
    if (file !== webRoot && !file.startsWith(webRoot + sep)) return sendJson(response, 403, { message: 'Forbidden' });
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const type = contentTypes[extname(file)] ?? 'application/octet-stream';
      const { body, encoding } = await compressed(file, info, type, String(request.headers['accept-encoding'] ?? ''));
      response.writeHead(200, {
        ...(encoding ? { 'content-encoding': encoding, vary: 'accept-encoding' } : {}),
        'content-type': type,
        // Scripts and styles carry a content hash in their names; index.html and the rest do not.
        'cache-control': uri.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'content-security-policy': localContentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'strict-origin-when-cross-origin',
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found');
    }
  }

  const mounts = Object.entries(options.mounts ?? {});
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const mount = mounts.find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
    if (mount) return mount[1](request, response);
    if (url.pathname === '/config.json' && options.webConfig) {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      response.end(JSON.stringify(options.webConfig));
      return;
    }
    const work = /^\/(api|ims)\//.test(url.pathname)
      ? serveApi(request, response, url)
      : serveWeb(request, response, url);
    work.catch((error) => {
      console.error('local gateway error:', error);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.destroy();
    });
  });

  // An upgraded socket is no longer the HTTP server's to close, yet `close` waits for it: a stop
  // with a browser still connected would hang, so the gateway ends them itself.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    const upgrade = options.upgrades?.[pathname];
    if (upgrade) {
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      return upgrade(request, socket, head);
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => done());
      }),
  };
}
