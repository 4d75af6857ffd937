import * as z from 'zod';
import { HttpError, invalid } from '../shared/http';
import type { ApiEvent } from './api-handler';

/** The query of every paged list: page size and the cursor a previous page gave out. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(100),
  cursor: z.string().max(500).optional(),
};

/** The largest JSON body a route accepts (bulk marks and imports go through their own routes). */
/**
 * A phone number as text messages need it: international (E.164), entered with or without
 * spaces, dashes and brackets (`+351 912 345 678`), kept as `+351912345678`.
 */
export const e164Phone = z
  .string()
  .trim()
  .regex(/^\+[0-9 ()-]{8,24}$/, 'is not an international phone number such as +351 912 345 678')
  .transform((value) => `+${value.replace(/[^0-9]/g, '')}`)
  .pipe(z.string().regex(/^\+[1-9][0-9]{7,14}$/, 'is not an international phone number such as +351 912 345 678'));

export const maxJsonBodyBytes = 1024 * 1024;

function fieldErrors(part: 'body' | 'query' | 'path', error: z.ZodError) {
  return error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parsePart<S extends z.ZodType>(part: 'body' | 'query' | 'path', schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(fieldErrors(part, parsed.error));
  return parsed.data;
}

/** The body as text, refused with 413 when larger than `maxBytes`. */
export function bodyText(event: ApiEvent, maxBytes: number): string {
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (Buffer.byteLength(raw) > maxBytes) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBytes} bytes.`);
  }
  return raw;
}

/** The JSON body, validated: 413 when too large, 400 with field errors when malformed or invalid. */
export function parseBody<S extends z.ZodType>(schema: S, event: ApiEvent): z.infer<S> {
  const raw = bodyText(event, maxJsonBodyBytes);
  let json: unknown;
  try {
    json = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    throw invalid([{ path: 'body', message: 'The body is not valid JSON.' }]);
  }
  return parsePart('body', schema, json);
}

/** Largest form body taken: a form of a few fields. */
const maxFormBytes = 16 * 1024;

/** An HTML form's fields, validated: 415 unless form-encoded, 400 with field errors when invalid. */
export function parseForm<S extends z.ZodType>(schema: S, event: ApiEvent): z.infer<S> {
  if (!/^application\/x-www-form-urlencoded\b/.test(event.headers?.['content-type'] ?? '')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the form as application/x-www-form-urlencoded.');
  }
  return parsePart('body', schema, Object.fromEntries(new URLSearchParams(bodyText(event, maxFormBytes))));
}

export function parseQuery<S extends z.ZodType>(schema: S, event: ApiEvent): z.infer<S> {
  return parsePart('query', schema, event.queryStringParameters ?? {});
}

export function parsePath<S extends z.ZodType>(schema: S, event: ApiEvent): z.infer<S> {
  return parsePart('path', schema, event.pathParameters ?? {});
}

/** A zod check that no two items of a list share a key, reporting each repeat at `<index>.<field>`. */
export function noRepeats<T>(keyOf: (item: T) => string, field: string, message: string) {
  return (items: readonly T[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      if (seen.has(key)) context.addIssue({ code: 'custom', path: [index, field], message });
      seen.add(key);
    });
  };
}
