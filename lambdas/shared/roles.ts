/**
 * The user groups of the platform. On AWS they are Cognito groups and arrive in the
 * `cognito:groups` claim; the local issuer issues the same claim.
 */
export const roles = ['platform-operator', 'school-admin', 'teacher', 'bursar', 'guardian'] as const;
export type Role = (typeof roles)[number];

/** Roles that act inside one school and therefore must carry a `custom:school_id` claim. */
export const schoolRoles: readonly Role[] = ['school-admin', 'teacher', 'bursar', 'guardian'];

/** Roles that must sign in with a second factor. */
export const mfaRequiredRoles: readonly Role[] = ['platform-operator'];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
