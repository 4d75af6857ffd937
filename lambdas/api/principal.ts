import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { forbidden, unauthorized } from '../shared/http';
import { isRole, type Role, schoolRoles } from '../shared/roles';
import { isIntegrationAccess, type RouteDefinition, rolesOf } from './route-contract';
import { type IntegrationScopeName, integrationScopeNames, scopesCovering } from '../shared/integration-scopes';

/** Who is calling, taken only from the verified token's claims (or, for an integration, its authorizer's verdict). */
export interface Principal {
  /** A person's subject; an integration's `integration:<id>` (how the audit log names it). */
  readonly userId: string;
  readonly roles: readonly Role[];
  /** The caller's school; absent only for platform operators. */
  readonly schoolId?: string;
  /** When an integration calls: which, with which scopes, at what rate. */
  readonly integration?: {
    readonly id: string;
    readonly clientId: string;
    readonly scopes: readonly IntegrationScopeName[];
    readonly requestsPerMinute: number;
  };
}

/** The caller of an integration's route, from the integrations' authorizer's context. */
function integrationPrincipal(context: Record<string, unknown> | undefined): Principal {
  const schoolId = context?.schoolId;
  const integrationId = context?.integrationId;
  if (typeof schoolId !== 'string' || typeof integrationId !== 'string') throw unauthorized();
  return {
    userId: `integration:${integrationId}`,
    roles: [],
    schoolId,
    integration: {
      id: integrationId,
      clientId: String(context!.clientId),
      scopes: (typeof context!.scopes === 'string' ? context!.scopes : '')
        .split(' ')
        .filter((name): name is IntegrationScopeName => (integrationScopeNames as readonly string[]).includes(name)),
      requestsPerMinute: Number(context!.requestsPerMinute),
    },
  };
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
  if (isIntegrationAccess(route.access)) {
    const principal = integrationPrincipal(
      (event.requestContext.authorizer as { lambda?: Record<string, unknown> } | undefined)?.lambda,
    );
    const allowed = route.access.integration.flatMap((name) => scopesCovering[name]);
    if (!principal.integration!.scopes.some((name) => allowed.includes(name))) {
      throw forbidden(`This needs one of the scopes ${route.access.integration.join(', ')}.`);
    }
    return principal;
  }
  const principal = principalFromClaims(event.requestContext.authorizer?.jwt?.claims);
  const effective = principal.roles.filter((role) => !schoolRoles.includes(role) || principal.schoolId);
  if (!effective.some((role) => rolesOf(route.access).includes(role))) throw forbidden();
  return principal;
}
