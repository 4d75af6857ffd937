import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { authorize, parseGroupsClaim, principalFromClaims } from '../../lambdas/api/principal';
import { HttpError } from '../../lambdas/shared/http';

const withClaims = (claims: Record<string, unknown> | undefined) =>
  ({
    requestContext: { authorizer: claims ? { jwt: { claims, scopes: null } } : undefined },
  }) as unknown as Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>;

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof HttpError ? error.statusCode : -1;
  }
}

describe('groups claim', () => {
  it('reads the flattened string API Gateway passes and a plain array', () => {
    expect(parseGroupsClaim('[teacher bursar]')).toEqual(['teacher', 'bursar']);
    expect(parseGroupsClaim(['teacher', 'bursar'])).toEqual(['teacher', 'bursar']);
    expect(parseGroupsClaim('teacher')).toEqual(['teacher']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });

  it('drops groups that are not platform roles', () => {
    expect(principalFromClaims({ sub: 'u1', 'cognito:groups': '[teacher admins]' }).roles).toEqual(['teacher']);
  });
});

describe('route access', () => {
  it('lets anyone reach a public route', () => {
    expect(authorize({ access: 'public' }, withClaims(undefined))).toBeUndefined();
  });

  it('needs a verified subject on a protected route', () => {
    expect(statusOf(() => authorize({ access: ['teacher'] }, withClaims(undefined)))).toBe(401);
  });

  it('admits a role the route allows, with its school from the token', () => {
    const principal = authorize(
      { access: ['teacher', 'school-admin'] },
      withClaims({ sub: 'u1', 'cognito:groups': '[teacher]', 'custom:school_id': 'sch_1' }),
    );
    expect(principal).toEqual({ userId: 'u1', roles: ['teacher'], schoolId: 'sch_1' });
  });

  it('refuses a role the route does not allow', () => {
    const event = withClaims({ sub: 'u1', 'cognito:groups': '[guardian]', 'custom:school_id': 'sch_1' });
    expect(statusOf(() => authorize({ access: ['teacher'] }, event))).toBe(403);
  });

  it('refuses a school role whose token carries no school', () => {
    expect(
      statusOf(() => authorize({ access: ['teacher'] }, withClaims({ sub: 'u1', 'cognito:groups': '[teacher]' }))),
    ).toBe(403);
  });

  it('admits a platform operator without a school', () => {
    const event = withClaims({ sub: 'op', 'cognito:groups': ['platform-operator'] });
    expect(authorize({ access: ['platform-operator'] }, event)?.roles).toEqual(['platform-operator']);
  });
});
