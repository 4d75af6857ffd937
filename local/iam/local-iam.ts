import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { Readable } from 'node:stream';
import type { AwsCall, AwsCallScope, DescribeCalls } from './aws-calls';
import { MalformedCallError } from './aws-calls';
import type { LocalCredentials, LocalPrincipal } from './local-credentials';
import { evaluate, type RequestContext, UnsupportedConditionError } from './policy-evaluator';
import { type ReceivedRequest, SignatureError, verifySignedRequest } from './request-signature';

/** How a protected service reports a refused request in its own protocol. */
export type ErrorReply = (
  response: ServerResponse,
  error: { readonly status: number; readonly code: string; readonly message: string },
) => void;

/** The JSON protocols' error (DynamoDB, SQS, Step Functions, Secrets Manager, Cognito). */
export const jsonErrorReply =
  (contentType: string, typePrefix = ''): ErrorReply =>
  (response, error) =>
    response
      .writeHead(error.status, { 'content-type': contentType, 'x-amzn-errortype': error.code })
      .end(JSON.stringify({ __type: `${typePrefix}${error.code}`, message: error.message }));

/** The REST JSON protocols' error (the Data API, SES v2): the type in a header, the message in the body. */
export const restJsonErrorReply: ErrorReply = (response, error) =>
  response
    .writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code })
    .end(JSON.stringify({ message: error.message }));

export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
}

/** A request that passed the check, with who made it: what a guarded listener receives. */
export type GuardedRequest = IncomingMessage & { readonly principal: LocalPrincipal; readonly rawBody: Buffer };

export interface ProtectedService {
  /** The SigV4 signing name: `dynamodb`, `sqs`, `states`, `secretsmanager`, `cognito-idp`, `rds-data`, `sts`. */
  readonly signingName: string;
  readonly calls: DescribeCalls;
  readonly reply: ErrorReply;
  /** Status of a refused call: 400 in the JSON protocols, 403 for the Data API. @default 400 */
  readonly deniedStatus?: number;
}

/** Same account, region `local` of older state directories or this region: one ARN. */
const localRegionAlias = /^(arn:aws:[a-z0-9-]+:)local:/;

/**
 * IAM of the local platform: every request to a local AWS endpoint is authenticated by its
 * SigV4 signature (the key names a function's role, an STS session or the operator) and
 * each action it takes is checked against that role's synthesized policies, as AWS does,
 * so a function missing a grant fails here as it would on AWS.
 */
export class LocalIam {
  constructor(
    readonly credentials: LocalCredentials,
    private readonly scope: AwsCallScope,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get region(): string {
    return this.scope.region;
  }

  canonicalArn(arn: string): string {
    return arn.replace(localRegionAlias, `$1${this.scope.region}:`);
  }

  /** The condition keys IAM sets from the principal. */
  private principalContext(principal: LocalPrincipal & { kind: 'role' }): RequestContext {
    return {
      'aws:PrincipalArn': principal.role.arn,
      'aws:PrincipalAccount': this.credentials.accountId,
      ...Object.fromEntries(Object.entries(principal.tags).map(([key, value]) => [`aws:PrincipalTag/${key}`, value])),
    };
  }

  /** Throws AccessDeniedError unless the principal's policies allow every call. */
  authorize(principal: LocalPrincipal, calls: readonly AwsCall[]): void {
    if (principal.kind === 'operator') return;
    for (const call of calls) {
      const resource = this.canonicalArn(call.resource);
      const context = { ...this.principalContext(principal), ...call.context };
      const decision = evaluate(principal.role.policies, call.action, resource, context);
      if (decision === 'allowed') continue;
      const because =
        decision === 'explicitDeny'
          ? `with an explicit deny in an identity-based policy`
          : `because no identity-based policy allows the ${call.action} action`;
      const message = `User: ${principal.arn} is not authorized to perform: ${call.action} on resource: ${resource} ${because}`;
      this.log(`[iam] denied: ${message}`);
      throw new AccessDeniedError(message);
    }
  }

  /** Authenticates and authorizes one received request for a service. */
  async check(request: ReceivedRequest, service: ProtectedService): Promise<LocalPrincipal> {
    const principal = await verifySignedRequest(request, this.credentials, service.signingName);
    this.authorize(principal, service.calls(request, this.scope));
    return principal;
  }

  private async admit(
    request: IncomingMessage,
    response: ServerResponse,
    service: ProtectedService,
  ): Promise<{ body: Buffer; principal: LocalPrincipal } | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const received = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body };
    try {
      return { body, principal: await this.check(received, service) };
    } catch (error) {
      if (error instanceof AccessDeniedError) {
        service.reply(response, {
          status: service.deniedStatus ?? 400,
          code: 'AccessDeniedException',
          message: error.message,
        });
      } else if (error instanceof SignatureError) {
        const status = error.code === 'MissingAuthenticationToken' ? 403 : (service.deniedStatus ?? 400);
        service.reply(response, { status, code: error.code, message: error.message });
      } else if (error instanceof MalformedCallError || error instanceof UnsupportedConditionError) {
        service.reply(response, { status: 400, code: 'ValidationException', message: error.message });
      } else throw error;
      return undefined;
    }
  }

  /**
   * Wraps one of the emulator's own listeners: the request is read, checked, and handed on
   * with its body replayed and its principal attached; a refused one gets the service's error.
   */
  guard(
    service: ProtectedService,
    listener: (request: GuardedRequest, response: ServerResponse) => void,
  ): RequestListener {
    return (request, response) => {
      this.admit(request, response, service).then(
        (admitted) => {
          if (!admitted) return;
          const replay = Object.assign(Readable.from([admitted.body]), {
            method: request.method,
            url: request.url,
            headers: request.headers,
            principal: admitted.principal,
            rawBody: admitted.body,
          }) as unknown as GuardedRequest;
          listener(replay, response);
        },
        (error: unknown) => {
          if (!response.headersSent) response.writeHead(500).end(String(error));
        },
      );
    };
  }

  /** Checks requests in front of a third-party emulator (dynalite, local-aws-sqs) and forwards the admitted ones. */
  proxy(service: ProtectedService, target: string): RequestListener {
    const { hostname, port } = new URL(target);
    const agent = new Agent({ keepAlive: true });
    return (request, response) => {
      this.admit(request, response, service).then(
        (admitted) => {
          if (!admitted) return;
          const forwarded = httpRequest(
            { hostname, port, agent, method: request.method, path: request.url, headers: request.headers },
            (upstream) => {
              response.writeHead(upstream.statusCode ?? 502, upstream.headers);
              upstream.pipe(response);
            },
          );
          forwarded.on('error', (error) => {
            if (!response.headersSent) response.writeHead(502).end(String(error));
          });
          forwarded.end(admitted.body);
        },
        (error: unknown) => {
          if (!response.headersSent) response.writeHead(500).end(String(error));
        },
      );
    };
  }
}
