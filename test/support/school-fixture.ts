import { randomBytes } from 'node:crypto';
import type { SchoolSettings } from '../../lambdas/api/structure/structure.schemas';
import type { Role } from '../../lambdas/shared/roles';
import { newSchoolId, provisionSchool, schoolSession } from '../../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import type { SchoolRecord } from '../../lambdas/shared/tenant-directory';
import type { Platform } from '../../local/platform';
import { assertMatchesContract } from './api-contract';
import { accessTokenFor } from './sign-in';

/** Settings a test school can start from. */
export const exampleSettings: SchoolSettings = {
  name: 'Example School',
  timezone: 'Europe/Lisbon',
  currency: 'EUR',
  locale: 'pt-PT',
  gradingScale: [
    { label: 'A', minPercent: 85 },
    { label: 'B', minPercent: 70 },
    { label: 'C', minPercent: 50 },
    { label: 'F', minPercent: 0 },
  ],
  passMarkPercent: 50,
  chronicAbsenceRate: 0.9,
};

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  /** Data API round trips the request made, from the API's header. */
  readonly roundTrips: number | undefined;
  /** The request's id, as the HTTP API names it (`apigw-requestid`): its audit entries carry it. */
  readonly requestId: string | undefined;
  /** Every header of the answer (paging headers, Retry-After). */
  readonly headers: Headers;
}

export interface SchoolFixture {
  readonly school: SchoolRecord;
  /** The school's database under its own role, for arranging data and checking what the API wrote. */
  readonly db: DataApiSession;
  /** Signs a new user of this school in and returns a caller bound to their token. */
  user(role: Role, options?: { email?: string }): Promise<SchoolUser>;
}

export interface CallOptions {
  /** Send a text body (a CSV file) as this type instead of JSON. */
  readonly contentType?: string;
}

export interface SchoolUser {
  readonly userId: string;
  readonly token: string;
  call<T = unknown>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<ApiResponse<T>>;
}

export async function callApi<T>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const header = response.headers.get('x-campus-data-api-calls');
  const contentType = response.headers.get('content-type');
  const parsed: unknown = text && /json/.test(contentType ?? '') ? JSON.parse(text) : text || undefined;
  // Every answer a test receives is held against the OpenAPI document the API serves.
  assertMatchesContract(method, path, response.status, contentType, parsed);
  return {
    status: response.status,
    body: parsed as T,
    roundTrips: header === null ? undefined : Number(header),
    requestId: response.headers.get('apigw-requestid') ?? undefined,
    headers: response.headers,
  };
}

/** Provisions a school on the platform's first shard group, with users of any role on demand. */
export async function schoolFixture(platform: Platform, slug: string): Promise<SchoolFixture> {
  const group = platform.shardGroups[0]!;
  const school = await provisionSchool(
    { schoolId: newSchoolId(), slug, name: `${slug} school`, plan: 'standard' },
    { id: group.id, resourceArn: group.resourceArn, masterSecretArn: group.masterSecretArn },
  );
  return {
    school,
    db: schoolSession(school, group.resourceArn),
    async user(role, options = {}) {
      const email = options.email ?? `${role}.${randomBytes(4).toString('hex')}@${slug}.test`;
      const password = randomBytes(12).toString('base64url');
      const created = await platform.issuer.users.create({
        email,
        name: `${role} of ${slug}`,
        groups: [role],
        ...(role === 'platform-operator' ? {} : { schoolId: school.schoolId }),
        password,
      });
      const token = await accessTokenFor(platform.url, email, password);
      return {
        userId: created.sub,
        token,
        call: (method, path, body, options) => callApi(platform.url, token, method, path, body, options),
      };
    },
  };
}
