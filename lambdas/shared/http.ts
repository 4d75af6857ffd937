import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** A field-level validation problem, reported next to the field in the web app. */
export interface FieldError {
  /** Where the problem is, e.g. `body.marks.3.status` or `query.limit`. */
  readonly path: string;
  readonly message: string;
}

/** An error that maps to an HTTP status with a stable machine-readable code. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
    /** Headers the refusal carries (a 429's `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const forbidden = (message = 'You do not have access to this resource.') =>
  new HttpError(403, 'FORBIDDEN', message);
export const unauthorized = (message = 'Sign in to continue.') => new HttpError(401, 'UNAUTHORIZED', message);
export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} was not found.`);
export const conflict = (message: string, fields: readonly FieldError[] = []) =>
  new HttpError(409, 'CONFLICT', message, fields);
export const invalid = (fields: readonly FieldError[], message = 'Some fields are not valid.') =>
  new HttpError(400, 'VALIDATION_FAILED', message, fields);

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyResultV2 {
  return { statusCode, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body) };
}

/** The response body for an error: `{ error: { code, message, fields } }`. */
export function errorResponse(error: HttpError): APIGatewayProxyResultV2 {
  return json(
    error.statusCode,
    { error: { code: error.code, message: error.message, fields: error.fields } },
    error.headers,
  );
}
