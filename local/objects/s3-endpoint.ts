import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { SignatureV4 } from '@smithy/signature-v4';
import { AccessDeniedError, type LocalIam } from '../iam/local-iam';
import { NodeSha256 } from '../iam/request-signature';
import { CredentialsError, type LocalCredentials, type LocalPrincipal } from '../iam/local-credentials';
import { NoSuchBucketError, type ObjectInfo, type ObjectStore } from './object-store';

/** Where the object store is mounted on the gateway, so signed links work from the browser on the same origin. */
export const objectsMountPath = '/local-s3';

/** The access key the local platform's clients sign with; its secret is generated per state directory. */
export interface LocalAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** S3 takes 5 GiB in one PUT; the local store holds a body in memory, so it stops at 1 GiB. */
const maxObjectBytes = 1024 ** 3;
/** SigV4 presigned URLs live at most seven days. */
const maxPresignSeconds = 7 * 24 * 3600;
/** S3 refuses a header-signed request more than 15 minutes off its clock. */
const maxSkewMs = 15 * 60 * 1000;

class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const xmlEscape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** `20261126T150655Z` → epoch ms. */
function amzDate(text: string | undefined): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!match) throw new S3Error(403, 'AccessDenied', 'The request date is missing or malformed.');
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y!, mo! - 1, d, h, mi, s);
}

function signerFor(
  credential: string,
  sessionToken: string | undefined,
  credentials: LocalCredentials,
): { signer: SignatureV4; principal: LocalPrincipal } {
  const [accessKeyId = '', , region, service] = credential.split('/');
  let known;
  try {
    known = credentials.lookup(accessKeyId, sessionToken);
  } catch (error) {
    if (!(error instanceof CredentialsError)) throw error;
    throw error.code === 'ExpiredTokenException'
      ? new S3Error(400, 'ExpiredToken', 'The provided token has expired.')
      : new S3Error(403, 'InvalidAccessKeyId', 'The AWS access key Id you provided does not exist in our records.');
  }
  if (!region || service !== 's3') {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The credential must be scoped to s3.');
  }
  return {
    principal: known.principal,
    signer: new SignatureV4({
      credentials: { accessKeyId, secretAccessKey: known.secretAccessKey },
      region,
      service: 's3',
      sha256: NodeSha256,
      uriEscapePath: false,
      applyChecksum: false,
    }),
  };
}

function sameSignature(expected: string | undefined, actual: string): void {
  const ok =
    expected !== undefined &&
    expected.length === actual.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(actual));
  if (!ok) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
}

/**
 * Checks a request's SigV4 signature as S3 does: from the query (a presigned URL, which
 * also expires) or from the Authorization header. Anonymous requests are refused, as on
 * the platform's private buckets.
 */
async function authenticate(
  request: IncomingMessage,
  url: URL,
  rawPath: string,
  credentials: LocalCredentials,
  body: () => Promise<Buffer>,
): Promise<LocalPrincipal> {
  const [host = '', port] = (request.headers.host ?? '').split(':');
  const base = { method: request.method ?? 'GET', protocol: 'http:', hostname: host, path: rawPath };
  const headersNamed = (names: string[]) =>
    Object.fromEntries(names.map((name) => [name, String(request.headers[name] ?? '')]));

  const presignedSignature = url.searchParams.get('X-Amz-Signature');
  if (presignedSignature !== null) {
    const signedAt = amzDate(url.searchParams.get('X-Amz-Date') ?? undefined);
    const expiresIn = Number(url.searchParams.get('X-Amz-Expires'));
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > maxPresignSeconds) {
      throw new S3Error(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be between 1 and 604800 seconds.',
      );
    }
    if (Date.now() > signedAt + expiresIn * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
    const { signer, principal } = signerFor(
      url.searchParams.get('X-Amz-Credential') ?? '',
      url.searchParams.get('X-Amz-Security-Token') ?? undefined,
      credentials,
    );
    // The S3 presigner signs over an unsigned payload, passed to the signer as a header it then hoists into the query.
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) {
      if (name !== 'X-Amz-Signature' && name !== 'X-Amz-Content-Sha256') query[name] = value;
    }
    const signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? 'host').split(';');
    const payload = url.searchParams.get('X-Amz-Content-Sha256');
    const headers = { ...headersNamed(signedHeaders), ...(payload ? { 'X-Amz-Content-Sha256': payload } : {}) };
    const signed = await signer.presign(
      { ...base, ...(port ? { port: Number(port) } : {}), query, headers },
      { signingDate: new Date(signedAt), expiresIn },
    );
    sameSignature(presignedSignature, String(signed.query?.['X-Amz-Signature']));
    return principal;
  }

  const authorization = request.headers.authorization;
  const parts = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
    authorization ?? '',
  );
  if (!parts) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  const signedAt = amzDate(String(request.headers['x-amz-date'] ?? ''));
  if (Math.abs(Date.now() - signedAt) > maxSkewMs) {
    throw new S3Error(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  }
  const token = request.headers['x-amz-security-token'];
  const { signer, principal } = signerFor(parts[1]!, typeof token === 'string' ? token : undefined, credentials);
  const signedHeaderNames = parts[2]!.split(';');
  if (!signedHeaderNames.includes('host')) {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The host header must be signed.');
  }
  // The signature covers the declared body hash; S3 checks the body against it.
  const declared = String(request.headers['x-amz-content-sha256'] ?? '');
  if (
    /^[0-9a-f]{64}$/.test(declared) &&
    createHash('sha256')
      .update(await body())
      .digest('hex') !== declared
  ) {
    throw new S3Error(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign(
    { ...base, ...(port ? { port: Number(port) } : {}), query, headers: headersNamed(signedHeaderNames) },
    { signingDate: new Date(signedAt) },
  );
  const recomputed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  sameSignature(parts[3], recomputed);
  return principal;
}

/** The IAM action a request to a bucket or an object is. */
function s3ActionOf(method: string, objectKey: string): string {
  if (!objectKey) return 's3:ListBucket';
  if (method === 'PUT') return 's3:PutObject';
  if (method === 'DELETE') return 's3:DeleteObject';
  return 's3:GetObject';
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxObjectBytes)
      throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Decodes `Content-Encoding: aws-chunked` (what the SDK sends for streamed bodies), returning the content and trailers. */
function decodeAwsChunked(raw: Buffer): { content: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body ended early.');
    const size = parseInt(raw.subarray(offset, lineEnd).toString().split(';')[0]!, 16);
    if (Number.isNaN(size)) throw new S3Error(400, 'InvalidRequest', 'Malformed aws-chunked body.');
    offset = lineEnd + 2;
    if (size === 0) break;
    parts.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(offset).toString().split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { content: Buffer.concat(parts), trailers };
}

function objectHeaders(info: ObjectInfo, url: URL): Record<string, string> {
  return {
    etag: `"${info.etag}"`,
    'last-modified': new Date(info.lastModified).toUTCString(),
    'content-type': url.searchParams.get('response-content-type') ?? info.contentType,
    'accept-ranges': 'bytes',
    // Stored files are served on the app's origin: never sniffed, never run as a page.
    'x-content-type-options': 'nosniff',
    'content-security-policy': 'sandbox',
    ...((url.searchParams.get('response-content-disposition') ?? info.contentDisposition)
      ? { 'content-disposition': (url.searchParams.get('response-content-disposition') ?? info.contentDisposition)! }
      : {}),
    ...Object.fromEntries(Object.entries(info.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
  };
}

function byteRange(header: string | undefined, size: number): [number, number] | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [start, end] =
    match[1] === ''
      ? [Math.max(0, size - Number(match[2])), size - 1]
      : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start >= size || start > end) throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable');
  return [start, end];
}

function listObjectsV2(store: ObjectStore, bucket: string, url: URL): string {
  const prefix = url.searchParams.get('prefix') ?? '';
  const delimiter = url.searchParams.get('delimiter') ?? '';
  const maxKeys = Math.max(0, Math.min(Number(url.searchParams.get('max-keys') ?? 1000), 1000));
  const token = url.searchParams.get('continuation-token');
  // The token names the last key or common prefix returned.
  const resume = token
    ? (JSON.parse(Buffer.from(token, 'base64url').toString()) as { after: string; commonPrefix: boolean })
    : { after: url.searchParams.get('start-after') ?? '', commonPrefix: false };
  const after = resume.after;
  const contents: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  let truncated = false;
  let last = { after: '', commonPrefix: false };
  for (const info of store.list(bucket, prefix)) {
    if (after && Buffer.compare(Buffer.from(info.key), Buffer.from(after)) <= 0) continue;
    // A page that ended on a common prefix resumes after everything under it.
    if (resume.commonPrefix && info.key.startsWith(after)) continue;
    const rest = info.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common && commonPrefixes.at(-1) === common) continue;
    if (maxKeys === 0) break;
    if (contents.length + commonPrefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common) commonPrefixes.push(common);
    else contents.push(info);
    last = { after: common ?? info.key, commonPrefix: common !== undefined };
  }
  const keyCount = contents.length + commonPrefixes.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keyCount}</KeyCount>`,
    `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
    delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : '',
    truncated
      ? `<NextContinuationToken>${Buffer.from(JSON.stringify(last)).toString('base64url')}</NextContinuationToken>`
      : '',
    ...contents.map(
      (info) =>
        `<Contents><Key>${xmlEscape(info.key)}</Key><LastModified>${info.lastModified}</LastModified>` +
        `<ETag>&quot;${info.etag}&quot;</ETag><Size>${info.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    ),
    ...commonPrefixes.map((common) => `<CommonPrefixes><Prefix>${xmlEscape(common)}</Prefix></CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
}

async function serve(
  store: ObjectStore,
  iam: LocalIam,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let body: Promise<Buffer> | undefined;
  const readOnce = () => (body ??= readBody(request));
  const rawPath = (request.url ?? '/').split('?')[0]!;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const [bucket = '', ...keyParts] = rawPath.slice(objectsMountPath.length + 1).split('/');
  const objectKey = decodeURIComponent(keyParts.join('/'));
  const principal = await authenticate(request, url, rawPath, iam.credentials, readOnce);
  const method = request.method ?? 'GET';
  try {
    iam.authorize(principal, [
      { action: s3ActionOf(method, objectKey), resource: `arn:aws:s3:::${bucket}${objectKey ? `/${objectKey}` : ''}` },
    ]);
  } catch (error) {
    if (error instanceof AccessDeniedError) throw new S3Error(403, 'AccessDenied', error.message);
    throw error;
  }
  if (!store.hasBucket(bucket)) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');

  if (!objectKey) {
    if (method === 'HEAD') return void response.writeHead(200).end();
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      response.writeHead(200, { 'content-type': 'application/xml' }).end(listObjectsV2(store, bucket, url));
      return;
    }
    throw new S3Error(501, 'NotImplemented', `The local object store does not implement ${method} on a bucket.`);
  }

  switch (method) {
    case 'PUT': {
      if (request.headers['x-amz-copy-source']) {
        throw new S3Error(501, 'NotImplemented', 'The local object store does not implement CopyObject.');
      }
      let content = await readOnce();
      let trailers: Record<string, string> = {};
      if (String(request.headers['content-encoding'] ?? '').includes('aws-chunked')) {
        ({ content, trailers } = decodeAwsChunked(content));
      }
      const expectedCrc = String(request.headers['x-amz-checksum-crc32'] ?? trailers['x-amz-checksum-crc32'] ?? '');
      if (expectedCrc) {
        const actual = Buffer.alloc(4);
        actual.writeUInt32BE(crc32(content));
        if (actual.toString('base64') !== expectedCrc) {
          throw new S3Error(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
        }
      }
      const metadata = Object.fromEntries(
        Object.entries(request.headers)
          .filter(([name]) => name.startsWith('x-amz-meta-'))
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
      );
      const info = store.put(bucket, objectKey, content, {
        contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
        metadata,
        ...(request.headers['content-disposition']
          ? { contentDisposition: String(request.headers['content-disposition']) }
          : {}),
      });
      response.writeHead(200, { etag: `"${info.etag}"` }).end();
      return;
    }
    case 'GET':
    case 'HEAD': {
      const info = store.head(bucket, objectKey);
      if (!info) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      const headers = objectHeaders(info, url);
      const range = byteRange(request.headers.range, info.size);
      if (method === 'HEAD') {
        response.writeHead(200, { ...headers, 'content-length': String(info.size) }).end();
        return;
      }
      const body = store.get(bucket, objectKey)!.body;
      if (range) {
        const [start, end] = range;
        response
          .writeHead(206, {
            ...headers,
            'content-range': `bytes ${start}-${end}/${info.size}`,
            'content-length': String(end - start + 1),
          })
          .end(body.subarray(start, end + 1));
        return;
      }
      response.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(body);
      return;
    }
    case 'DELETE':
      store.delete(bucket, objectKey);
      response.writeHead(204).end();
      return;
    default:
      throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
}

/**
 * An S3-compatible endpoint over the on-disk object store, for the calls the platform
 * makes (PutObject, GetObject with ranges, HeadObject, DeleteObject, ListObjectsV2,
 * HeadBucket) with SigV4 checked on every request and presigned URLs that expire.
 * The AWS SDK reaches it with `forcePathStyle` and the endpoint `<origin>/local-s3`.
 */
export function s3Endpoint(
  store: ObjectStore,
  iam: LocalIam,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    serve(store, iam, request, response).catch((error: unknown) => {
      const failure =
        error instanceof S3Error
          ? error
          : error instanceof NoSuchBucketError
            ? new S3Error(404, 'NoSuchBucket', error.message)
            : (error as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR'
              ? new S3Error(400, 'InvalidArgument', 'A header value has characters HTTP does not allow.')
              : new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
      if (failure.status === 500) console.error('local object store error:', error);
      if (response.headersSent) return void response.destroy();
      const requestId = randomUUID();
      const body =
        request.method === 'HEAD'
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${failure.code}</Code><Message>${xmlEscape(failure.message)}</Message><RequestId>${requestId}</RequestId></Error>`;
      response
        .writeHead(failure.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId })
        .end(body);
    });
  };
}
