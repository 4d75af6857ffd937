import type * as z from 'zod';
import type { IntegrationScopeName } from '../shared/integration-scopes';
import type { Role } from '../shared/roles';

/**
 * How a route of the HTTP API is declared, once, beside its domain's code
 * (`lambdas/api/<domain>/<domain>.routes.ts`): method, path, who may call it, the platform
 * resources its function needs, what it takes (path parameters, query, body) and what it
 * answers. The manifest (`routes.ts`), the CDK API stack, the local gateway, the handler's
 * dispatch and request validation (`api-handler.ts`) and the OpenAPI document all read these
 * declarations; nothing restates them. Pure definitions: no handler code comes with them.
 */

/**
 * Platform resources a route's handler uses beyond its school's database and directory
 * record: the school index (`list-schools`), the user pool (`manage-users`), sending to
 * the exports, reports and rescoring queues, waking the notification dispatcher, reading the exports and reports buckets (to
 * sign download links), the Powertools idempotency table (`idempotency`), starting the
 * scoring run (`start-scoring`) and reading its progress (`read-scoring-runs`), and
 * following the onboarding workflow's executions (`read-onboarding-runs`).
 */
export type RouteGrant =
  | 'list-schools'
  | 'manage-users'
  | 'queue-exports'
  /** Sending to the privacy-requests queue: a student's export to write, its file to remove after the download. */
  | 'queue-privacy-requests'
  | 'read-exports'
  | 'idempotency'
  | 'queue-reports'
  | 'read-reports'
  | 'queue-rescore'
  | 'queue-notifications'
  | 'live-tickets'
  /** The notification keys (the public VAPID key; invitation links) and the app's origin (push endpoints, links). */
  | 'notification-keys'
  /** Setting a user's password (AdminSetUserPassword), nothing else of the user pool: an invitation taken up. */
  | 'set-passwords'
  /** A public route that reaches one school's data through a capability in its link (the unsubscribe link). */
  | 'school-data-by-link'
  /** The user pool's app clients of integrations (create, rotate secrets, delete) and the integration clients table. */
  | 'manage-integrations'
  /** Counting an integration's calls against its rate and listing them (given to every route integrations call). */
  | 'count-integration-calls'
  | 'start-scoring'
  | 'read-scoring-runs'
  | 'read-onboarding-runs';

/** A route an integration calls with its OAuth client's token: holding any one of these scopes lets it. */
export interface IntegrationAccess {
  readonly integration: readonly IntegrationScopeName[];
}

/** The HTTP API's Lambda authorizer of the routes integrations call (`IntegrationAccess`). */
export const integrationAuthorizerHandler = 'lambdas/auth/integration-authorizer.handler.ts';

export function isIntegrationAccess(access: RouteSpec['access']): access is IntegrationAccess {
  return typeof access === 'object' && 'integration' in access;
}

/** The roles a person's token must hold one of; none for a public or an integration's route. */
export function rolesOf(access: RouteSpec['access']): readonly Role[] {
  return access === 'public' || isIntegrationAccess(access) ? [] : access;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A body sent as a CSV file (`text/csv`) of at most `maxBytes`, which the handler gets as text. */
export interface CsvFile {
  readonly csv: { readonly maxBytes: number };
}

/** A body sent by an HTML form (`application/x-www-form-urlencoded`): its fields, as strings, validated by `form`. */
export interface FormFields {
  readonly form: z.ZodType;
}

/** What a route answers when it succeeds. */
export interface SuccessSpec {
  readonly status: 200 | 201 | 202 | 204;
  /** The JSON body; absent for 204 and for a web page. */
  readonly body?: z.ZodType;
  /** The answer is a web page (`text/html`), not JSON. */
  readonly html?: true;
  /** Other statuses answered with the same body: health's 503 while a component is down. */
  readonly alsoAs?: readonly number[];
}

export interface RouteSpec {
  readonly method: HttpMethod;
  /**
   * As API Gateway writes it, with `{name}` parameters: under `/api/<version>/` (see `api-versions.ts`), or
   * `/api/` for the few routes outside any version, whose address is printed where it cannot change.
   */
  readonly path: string;
  /**
   * `public` needs no token; a list of roles, a person's verified token with one of them; an
   * integration's access, its client's token (checked by the integrations' authorizer) with one
   * of those scopes.
   */
  readonly access: 'public' | readonly Role[] | IntegrationAccess;
  /** Platform resources the handler uses (the CDK stack grants exactly these). */
  readonly grants?: readonly RouteGrant[];
  readonly summary: string;
  /** The path parameters: every route with a `{name}` in its path has them. */
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** A JSON body (its schema), a CSV file, or an HTML form's fields. */
  readonly body?: z.ZodType | CsvFile | FormFields;
  readonly response: SuccessSpec;
  /** When the route answers 410 Gone: what it was that is no longer there (a one-time download taken). @default never */
  readonly gone?: string;
  /**
   * A POST that changes none of the school's records (a preview, a calculation, a ticket): it takes a body too large or too
   * structured for a query, and leaves no audit entry. @default false: every non-GET route writes
   */
  readonly readOnly?: true;
}

/** Operation name → its declaration: a group of routes one handler module serves. */
export type RouteSpecs = Readonly<Record<string, RouteSpec>>;

/** A route as the manifest lists it: its declaration, its operation name and its function. */
export interface RouteDefinition extends RouteSpec {
  /** Unique across the API: the OpenAPI `operationId`, and the name its handler implements it under. */
  readonly operation: string;
  /** Handler module relative to the project root; it exports `handler` (one Lambda function). */
  readonly handler: string;
}

/** What the function of a group needs beyond the stage's API defaults. */
export interface FunctionSettings {
  /** @default the stage's `api.functionTimeoutSeconds` */
  readonly timeoutSeconds?: number;
  /** @default 512 */
  readonly memorySize?: number;
}

/** The routes one handler module (one function) serves. */
export interface RouteGroup<S extends RouteSpecs = RouteSpecs> {
  readonly handler: string;
  readonly specs: S;
  readonly routes: readonly RouteDefinition[];
  readonly function: FunctionSettings;
}

/** Declares the routes of one handler module, by operation name. */
export function routeGroup<const S extends RouteSpecs>(
  handler: string,
  specs: S,
  settings: FunctionSettings = {},
): RouteGroup<S> {
  return {
    handler,
    specs,
    routes: Object.entries(specs).map(([operation, spec]) => ({ ...spec, operation, handler })),
    function: settings,
  };
}

export function isCsvFile(body: RouteSpec['body']): body is CsvFile {
  return body !== undefined && 'csv' in body;
}

export function isFormFields(body: RouteSpec['body']): body is FormFields {
  return body !== undefined && 'form' in body;
}

/** Staff who read the student register. */
export const schoolStaff: readonly Role[] = ['school-admin', 'teacher', 'bursar'];

/** Everyone of a school, guardians included. */
export const allSchoolRoles: readonly Role[] = ['school-admin', 'teacher', 'bursar', 'guardian'];

/** `GET /api/health`: the form of API Gateway's `routeKey`. */
export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * A handler's name, unique because module paths are: `lambdas/api/health/get-health.handler.ts`
 * → `api.health.get-health`. Used for construct ids, alarm names and local function names.
 */
export function handlerName(handlerPath: string): string {
  return handlerPath
    .replace(/^lambdas\//, '')
    .replace(/\.handler\.ts$/, '')
    .replace(/\//g, '.');
}
