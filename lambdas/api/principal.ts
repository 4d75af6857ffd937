import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { forbidden, unauthorized } from '../shared/http';
import { isRole, type Role, schoolRoles } from '../shared/roles';
import type { RouteDefinition } from './routes';

/** Who is calling, taken only from the verified token's claims. */
export interface Principal {
  readonly userId: string;
  readonly roles: readonly Role[];
  /** The caller's school; absent only for platform operators. */
  readonly schoolId?: string;
}

type Claims = Record<string, string | number | boolean | string[]>;

/**
 * API Gateway HTTP APIs flatten array claims to a string such as `[teacher bursar]`;
 * the local gateway passes arrays through. Accept both.
 */
export function parseGroupsClaim(value: Claims[string] | undefined): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(/[\s,]+/).filter(Boolean);
}

export function principalFromClaims(claims: Claims | undefined): Principal {
  if (!claims || typeof claims.sub !== 'string') throw unauthorized();
  const roles = parseGroupsClaim(claims['cognito:groups']).filter(isRole);
  const schoolId = typeof claims['custom:school_id'] === 'string' ? claims['custom:school_id'] : undefined;
  return { userId: claims.sub, roles, ...(schoolId ? { schoolId } : {}) };
}

/**
 * Applies a route's access rule. A school role only counts together with a school
 * claim, so a token without a school can never reach school data.
 */
export function authorize(
  route: Pick<RouteDefinition, 'access'>,
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>,
): Principal | undefined {
  if (route.access === 'public') return undefined;
  const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
  const effective = principal.roles.filter((role) => !schoolRoles.includes(role) || principal.schoolId);
  if (!effective.some((role) => route.access.includes(role))) throw forbidden();
  return principal;
}
