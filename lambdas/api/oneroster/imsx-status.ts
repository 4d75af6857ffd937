import type { ApiEvent, ApiResult } from '../api-handler';

/**
 * OneRoster's error answers: the platform's refusals (`{ error: { code, message, fields } }`)
 * as the spec's `imsx_StatusInfo`, with the code minor its status calls for (a refusal made in
 * OneRoster's own terms, such as `invalid_filter_field`, keeps its code). Field messages join the
 * description, since the status info has no place for them.
 */

export const codeMinors = [
  'fullsuccess',
  'invalid_filter_field',
  'invalid_selection_field',
  'invaliddata',
  'unauthorisedrequest',
  'forbidden',
  'server_busy',
  'unknownobject',
  'internal_server_error',
] as const;

type CodeMinor = (typeof codeMinors)[number];

function codeMinorOf(status: number, code: string): CodeMinor {
  if ((codeMinors as readonly string[]).includes(code)) return code as CodeMinor;
  if (status === 401) return 'unauthorisedrequest';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'unknownobject';
  if (status === 429 || status === 503) return 'server_busy';
  if (status >= 500) return 'internal_server_error';
  return 'invaliddata';
}

interface PlatformError {
  readonly error?: { code?: string; message?: string; fields?: { path: string; message: string }[] };
}

/** The `imsx_StatusInfo` body of a failure. */
export function imsxStatusInfo(status: number, code: string, description: string) {
  return {
    imsx_codeMajor: 'failure',
    imsx_severity: 'error',
    imsx_description: description,
    imsx_CodeMinor: {
      imsx_codeMinorField: [
        { imsx_codeMinorFieldName: 'TargetEndSystem', imsx_codeMinorFieldValue: codeMinorOf(status, code) },
      ],
    },
  };
}

/** An answer of the platform's, with a refusal's body in OneRoster's terms. */
export function asOneRosterAnswer(result: ApiResult): ApiResult {
  if (typeof result !== 'object' || result === null || (result.statusCode ?? 200) < 400) return result;
  let parsed: PlatformError;
  try {
    parsed = JSON.parse(String(result.body ?? '{}')) as PlatformError;
  } catch {
    parsed = {};
  }
  const status = result.statusCode!;
  const fields = (parsed.error?.fields ?? []).map((field) => `${field.path} ${field.message}`);
  const description = [parsed.error?.message ?? 'The request failed.', ...fields].join(' ');
  return {
    ...result,
    body: JSON.stringify(imsxStatusInfo(status, parsed.error?.code ?? '', description)),
  };
}

/** A handler's middleware that runs after it, with its answer (middy's shape). */
interface AfterMiddleware {
  readonly after: (request: { event: ApiEvent; response: ApiResult | null | undefined }) => void;
}

/** The middleware that gives a OneRoster handler's refusals the spec's shape. */
export function oneRosterErrors(): AfterMiddleware {
  return {
    after: (request) => {
      if (request.response !== undefined && request.response !== null) {
        request.response = asOneRosterAnswer(request.response);
      }
    },
  };
}
