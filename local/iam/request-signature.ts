import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CredentialsError, type LocalCredentials, type LocalPrincipal } from './local-credentials';

/** A request as received, with its whole body: what a signature is checked against. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as sent, undecoded. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export class SignatureError extends Error {
  constructor(
    readonly code:
      | 'MissingAuthenticationToken'
      | 'IncompleteSignature'
      | 'InvalidSignatureException'
      | 'SignatureDoesNotMatch'
      | 'RequestExpired'
      | CredentialsError['code'],
    message: string,
  ) {
    super(message);
  }
}

/** The hash the SDK's signer needs, from node:crypto. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined ? undefined : typeof secret === 'string' ? secret : Buffer.from(secret as never);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as never));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not used');
  }
}

/** `20261126T150655Z` → epoch ms, or NaN. */
export function amzDateMs(text: string | undefined): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y!, mo! - 1, d, h, mi, s);
}

/** AWS refuses a signature more than five minutes off its clock (S3: fifteen). */
const maxSkewMs = 5 * 60 * 1000;

export function sameSignature(expected: string, actual: string): boolean {
  return expected.length === actual.length && timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
}

/**
 * Checks a request's SigV4 `Authorization` header as an AWS service does (the signing
 * key's secret, the signed headers, the body's hash, the clock) and returns who signed it.
 */
export async function verifySignedRequest(
  request: ReceivedRequest,
  credentials: LocalCredentials,
  service: string,
): Promise<LocalPrincipal> {
  const authorization = String(request.headers.authorization ?? '');
  if (!authorization) {
    throw new SignatureError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const parts = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
    authorization,
  );
  if (!parts) throw new SignatureError('IncompleteSignature', 'The request signature is malformed.');
  const [accessKeyId = '', , region = '', signedService = ''] = parts[1]!.split('/');
  if (signedService !== service) {
    throw new SignatureError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${service}'.`,
    );
  }
  const signedAt = amzDateMs(String(request.headers['x-amz-date'] ?? ''));
  if (Number.isNaN(signedAt) || Math.abs(Date.now() - signedAt) > maxSkewMs) {
    throw new SignatureError('RequestExpired', 'Signature expired or the request date is missing.');
  }
  const sessionToken = request.headers['x-amz-security-token'];
  let known;
  try {
    known = credentials.lookup(accessKeyId, typeof sessionToken === 'string' ? sessionToken : undefined);
  } catch (error) {
    if (error instanceof CredentialsError) throw new SignatureError(error.code, error.message);
    throw error;
  }
  const url = new URL(request.url, 'http://localhost');
  const [hostname = '', port] = String(request.headers.host ?? '').split(':');
  const signedHeaderNames = parts[2]!.split(';');
  const headers = Object.fromEntries(
    signedHeaderNames.map((name) => [name, String(request.headers[name] ?? '')] as const),
  );
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: known.secretAccessKey },
    region,
    service,
    sha256: NodeSha256,
  });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      // As sent: the signer escapes each segment again, as the client's did (SigV4 outside S3 double-encodes).
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate: new Date(signedAt) },
  );
  const recomputed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!sameSignature(parts[3]!, recomputed)) {
    throw new SignatureError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  return known.principal;
}
