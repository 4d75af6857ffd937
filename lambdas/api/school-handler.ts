import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { DataApiSession } from '../shared/data-api';
import { conflict, errorResponse, forbidden, HttpError, invalid } from '../shared/http';
import { IntegrationCalls } from '../shared/integration-calls';
import { logger, metricNames, metrics } from '../shared/observability';
import { defaultDirectoryCacheSeconds } from '../shared/directory-cache';
import { directoryCacheSecondsVariable } from '../shared/platform-variables';
import { schoolSessionFor } from '../shared/school-session';
import { readSchoolRecord, type SchoolRecord, schoolDataAccess } from '../shared/school-records';
import {
  type ApiEvent,
  type ApiResult,
  byOperation,
  type Implementations,
  parseRequest,
  respond,
  routedHandler,
} from './api-handler';
import type { Principal } from './principal';
import type { RouteGroup, RouteSpecs } from './route-contract';

export interface SchoolRequest {
  readonly event: ApiEvent;
  readonly context: Context;
  readonly principal: Principal & { readonly schoolId: string };
  readonly school: SchoolRecord;
  /** The school's own database, under the school's own PostgreSQL role. */
  readonly db: DataApiSession;
}

/** Response header with the request's Data API round trips, read by tests and the API benchmark. */
export const roundTripsHeader = 'x-campus-data-api-calls';

/**
 * How long a Lambda instance trusts a directory read (the stage's `api.directoryCacheSeconds`,
 * which the API stack sets): a suspension takes effect within this, and the move workflow's
 * wait before dropping a moved school's old database is derived from it.
 */
const directoryCacheMs = Number(process.env[directoryCacheSecondsVariable] ?? defaultDirectoryCacheSeconds) * 1000;
const schools = new Map<string, { record: SchoolRecord | undefined; readAt: number }>();

async function loadSchool(schoolId: string): Promise<SchoolRecord | undefined> {
  const cached = schools.get(schoolId);
  if (cached && Date.now() - cached.readAt < directoryCacheMs) return cached.record;
  const record = await readSchoolRecord(schoolId);
  schools.set(schoolId, { record, readAt: Date.now() });
  return record;
}

let calls: IntegrationCalls | undefined;
const integrationCalls = () => (calls ??= new IntegrationCalls());

/** An integration's call, as its school admin's list of its calls shows it. */
async function recordCall(
  integration: NonNullable<Principal['integration']>,
  event: ApiEvent,
  status: number,
  started: number,
): Promise<void> {
  await integrationCalls()
    .record(integration.clientId, {
      at: new Date(started).toISOString(),
      method: event.requestContext.http.method,
      path: event.rawPath,
      status,
      latencyMs: Date.now() - started,
      requestId: event.requestContext.requestId,
    })
    .catch((error: unknown) => logger.warn('could not record the integration call', error as Error));
}

/** An integration's calls are counted per minute: past its rate, 429 with the seconds to wait (and the call listed). */
async function withinRate(
  integration: NonNullable<Principal['integration']>,
  event: ApiEvent,
  started: number,
): Promise<void> {
  const retryAfter = await integrationCalls().takeRequest(integration.clientId, integration.requestsPerMinute);
  if (retryAfter === undefined) return;
  await recordCall(integration, event, 429, started);
  throw new HttpError(
    429,
    'RATE_LIMITED',
    `This integration may make ${integration.requestsPerMinute} requests a minute; try again in ${retryAfter} s.`,
    [],
    { 'retry-after': String(retryAfter) },
  );
}

const camelCase = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The body fields named in a constraint error's `Key (a, lower(b))=(…)` detail. */
function fieldsOf(message: string, problem: string) {
  const columns = /Key \(([^)]+(?:\))?)\)=/.exec(message)?.[1] ?? '';
  return columns
    .split(',')
    .map((column) => column.trim().replace(/^lower\((\w+)\)$/, '$1'))
    .filter((column) => /^\w+$/.test(column))
    .map((column) => ({ path: `body.${camelCase(column)}`, message: problem }));
}

/** PostgreSQL errors that are the caller's doing, as HTTP errors; anything else stays a 500. */
function databaseError(error: unknown): HttpError | undefined {
  if ((error as Error).name !== 'DatabaseErrorException') return undefined;
  const message = (error as Error).message;
  switch (/SQLState: (\w{5})/.exec(message)?.[1]) {
    // The database itself refuses writes while the school is moved; a session cut by the move is retried.
    case '25006':
    case '57P01':
      return new HttpError(
        503,
        'SCHOOL_READ_ONLY',
        'This school is read-only while it is moved; try again in a few minutes.',
      );
    case '23505':
      return conflict('That already exists.', fieldsOf(message, 'is already taken'));
    case '23503':
      return /is not present in table/.test(message)
        ? invalid(fieldsOf(message, 'does not exist'), 'It refers to something that does not exist.')
        : conflict('Other records still refer to it.');
    case '23514':
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return invalid([], 'A value is out of range or in the wrong format.');
    default:
      return undefined;
  }
}

/**
 * A handler module of school data (see `routedHandler`): the school comes from the verified
 * token only; the directory must list it ACTIVE (SUSPENDED and OFFBOARDING schools are
 * read-only, any other status is refused); each route gets a Data API session on the
 * school's database under the school's role, and its request validated against its
 * declaration; its round trips are counted, published and returned in a header.
 */
export function schoolRoutes<S extends RouteSpecs>(
  group: RouteGroup<S>,
  implementations: Implementations<S, SchoolRequest>,
) {
  const run = byOperation<SchoolRequest>(implementations);
  return routedHandler(group, Object.keys(implementations), async (route, { event, principal, context }) => {
    if (!principal?.schoolId) throw forbidden('This is for the staff and families of a school.');
    const schoolId = principal.schoolId;
    logger.appendKeys({ schoolId, userId: principal.userId });
    const school = await loadSchool(schoolId);
    const access = school ? schoolDataAccess(school.status) : 'none';
    if (!school || access === 'none' || !school.secretArn) {
      throw new HttpError(403, 'SCHOOL_UNAVAILABLE', 'This school is not available.');
    }
    if (access === 'read-only' && event.requestContext.http.method !== 'GET') {
      throw school.status === 'MOVING'
        ? new HttpError(
            503,
            'SCHOOL_READ_ONLY',
            'This school is read-only while it is moved; try again in a few minutes.',
          )
        : new HttpError(403, 'SCHOOL_READ_ONLY', 'This school is suspended: its data can be read but not changed.');
    }
    const started = Date.now();
    if (principal.integration) await withinRate(principal.integration, event, started);
    // Its audited writes name the caller of the token (an integration as `integration:<id>`) and this request.
    const db = await schoolSessionFor(
      school,
      { actor: principal.userId, requestId: event.requestContext.requestId },
      { readOnly: access === 'read-only' },
    );
    const counted = (result: ApiResult): ApiResult =>
      typeof result === 'object' && result !== null && 'statusCode' in result
        ? { ...result, headers: { ...result.headers, [roundTripsHeader]: String(db.roundTrips) } }
        : result;
    let status = 500;
    try {
      const request = { event, context, principal: { ...principal, schoolId }, school, db };
      const result = counted(
        respond(route, await run[route.operation]!({ ...request, ...parseRequest(route, event) })),
      );
      status = typeof result === 'object' ? (result.statusCode ?? 200) : 200;
      return result;
    } catch (error) {
      const refusal = error instanceof HttpError ? error : databaseError(error);
      if (refusal) {
        status = refusal.statusCode;
        return counted(errorResponse(refusal));
      }
      throw error;
    } finally {
      metrics.addMetric(metricNames.dataApiCalls, MetricUnit.Count, db.roundTrips);
      if (principal.integration) await recordCall(principal.integration, event, status, started);
    }
  });
}
