/** A field the API refused, as `{ error: { fields: [{ path, message }] } }` lists it. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** An API answer other than 2xx, with the API's code and field-level messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field (`body.givenName` or just `givenName`), if the API refused it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((error) => error.path === field || error.path.replace(/^(body|query|path)\./, '') === field)
      ?.message;
  }
}

/** The connection, not the API, failed: the request may or may not have reached the server. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

export interface TokenSource {
  accessToken(): Promise<string | undefined>;
  refresh(): Promise<string | undefined>;
  /** Called when no token can be had: the app shows the signed-out page. */
  signedOut(): void;
}

/** How long a prefetched answer waits for the screen that asked for it. */
const prefetchForMs = 10_000;

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  delete<T>(path: string, options?: RequestOptions): Promise<T>;
  /**
   * Starts GETs a screen is about to make, so they travel with the app's own start-up
   * requests; the screen's own `get` of the same path takes the answer (within a few seconds).
   */
  prefetch(paths: readonly string[]): void;
  /** POSTs a file as it is (a CSV import), reporting the share sent so far. */
  upload<T>(path: string, file: Blob, options: { query?: Query; onProgress?: (sent: number) => void }): Promise<T>;
}

export function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string; fields?: FieldError[] }; message?: string } | undefined;
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? body?.message ?? response.statusText,
    error?.fields ?? [],
  );
}

/**
 * Calls the API with the session's access token. A 401 gets one refresh and one retry (a
 * refresh is shared by every request waiting on it); a 403 is an answer, not a reason to refresh.
 */
export function createApiClient(tokens: TokenSource, fetchImpl: typeof fetch = (...args) => fetch(...args)): ApiClient {
  async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers = new Headers({ accept: 'application/json', ...options.headers });
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers.set('content-type', 'application/json');
    const attempt = async (token: string) => {
      headers.set('authorization', `Bearer ${token}`);
      try {
        return await fetchImpl(withQuery(path, options.query), {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        throw new NetworkError(error);
      }
    };
    let token = await tokens.accessToken();
    if (!token) {
      tokens.signedOut();
      throw new ApiError(401, 'SIGNED_OUT', 'Your session has ended.');
    }
    let response = await attempt(token);
    if (response.status !== 401) return response;
    token = await tokens.refresh();
    if (!token) {
      tokens.signedOut();
      throw new ApiError(401, 'SIGNED_OUT', 'Your session has ended.');
    }
    response = await attempt(token);
    if (response.status === 401) tokens.signedOut();
    return response;
  }

  const prefetched = new Map<string, { at: number; response: Promise<Response> }>();

  function takePrefetched(method: string, path: string, options?: RequestOptions): Promise<Response> | undefined {
    if (method !== 'GET') return undefined;
    const key = withQuery(path, options?.query);
    const entry = prefetched.get(key);
    prefetched.delete(key);
    return entry && Date.now() - entry.at < prefetchForMs ? entry.response : undefined;
  }

  async function call<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    const response = await (takePrefetched(method, path, options) ?? send(method, path, options));
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('json') ? await response.json() : await response.text()) as T;
  }

  /** XMLHttpRequest rather than fetch: only it reports upload progress. */
  function sendFile(url: string, token: string, file: Blob, onProgress?: (sent: number) => void) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', url);
      request.setRequestHeader('authorization', `Bearer ${token}`);
      request.setRequestHeader('content-type', file.type || 'text/csv');
      request.setRequestHeader('accept', 'application/json');
      request.upload.onprogress = (event) => event.lengthComputable && onProgress?.(event.loaded / event.total);
      request.onload = () => resolve({ status: request.status, body: request.responseText });
      request.onerror = () => reject(new NetworkError(new Error('upload failed')));
      request.send(file);
    });
  }

  async function upload<T>(path: string, file: Blob, options: { query?: Query; onProgress?: (sent: number) => void }) {
    const url = withQuery(path, options.query);
    let token = await tokens.accessToken();
    let answer = token ? await sendFile(url, token, file, options.onProgress) : undefined;
    if (!answer || answer.status === 401) {
      token = await tokens.refresh();
      if (!token) {
        tokens.signedOut();
        throw new ApiError(401, 'SIGNED_OUT', 'Your session has ended.');
      }
      answer = await sendFile(url, token, file, options.onProgress);
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw await errorOf(
        new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } }),
      );
    }
    return JSON.parse(answer.body) as T;
  }

  return {
    get: (path, options) => call('GET', path, options),
    post: (path, body, options) => call('POST', path, { ...options, body }),
    put: (path, body, options) => call('PUT', path, { ...options, body }),
    patch: (path, body, options) => call('PATCH', path, { ...options, body }),
    delete: (path, options) => call('DELETE', path, options),
    upload,
    prefetch(paths) {
      for (const path of paths) {
        const response = send('GET', path);
        // A refused or failed prefetch is dropped; the screen asks again and shows the error itself.
        response.catch(() => prefetched.delete(path));
        prefetched.set(path, { at: Date.now(), response });
      }
    },
  };
}
