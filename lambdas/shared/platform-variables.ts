/**
 * Names the CDK stacks and the handlers agree on (environment variables and tags). Pure
 * definitions, so the stacks can read them without loading any handler code.
 */

/** The tenant-scoped role a handler assumes for school data (the TenantDataAccess construct's role). */
export const tenantRoleVariable = 'CAMPUS_TENANT_ROLE_ARN';
/** Session tag, and tag on each school's secret, carrying the school id: the role reads only matching secrets. */
export const schoolIdTag = 'campus:school-id';
/** The user pool that staff and guardians sign in to (the auth stack's pool on AWS). */
export const userPoolVariable = 'CAMPUS_USER_POOL_ID';
