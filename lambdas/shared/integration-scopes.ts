/**
 * The OAuth scopes an integration's client may hold. OneRoster 1.2's own (their full names are
 * the spec's URIs: `https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly`) and
 * the platform's own. On AWS each family is a resource server of the user pool, whose identifier
 * is the part before the last `/`; locally the issuer grants the same names.
 */

export const oneRosterScopeServer = 'https://purl.imsglobal.org/spec/or/v1p2/scope';
export const campusScopeServer = 'https://campus.cloud/scope';

export const integrationScopeNames = [
  /** Orgs, schools, academic sessions, courses, classes, users and enrolments: the core of rostering. */
  'roster-core.readonly',
  /** All of rostering, the core with every sub-collection. */
  'roster.readonly',
  /** Line items, results, categories and score scales. */
  'gradebook.readonly',
  /** Sending results (scores) into the school's gradebook. */
  'gradebook.createput',
  /** Subscribing to the school's events (webhooks) and reading their deliveries. */
  'webhooks.manage',
] as const;

export type IntegrationScopeName = (typeof integrationScopeNames)[number];

/** The server (resource server identifier) a scope belongs to. */
export const scopeServerOf = (name: IntegrationScopeName) =>
  name === 'webhooks.manage' ? campusScopeServer : oneRosterScopeServer;

/** A scope's full name, as tokens carry it: `<server>/<name>`. */
export const fullScope = (name: IntegrationScopeName) => `${scopeServerOf(name)}/${name}`;

/** The short name of a full scope the platform knows, or undefined. */
export function scopeNameOf(full: string): IntegrationScopeName | undefined {
  return integrationScopeNames.find((name) => fullScope(name) === full);
}

/** The scopes that let a route be called: holding any one of them is enough (roster.readonly covers roster-core). */
export const scopesCovering: Readonly<Record<IntegrationScopeName, readonly IntegrationScopeName[]>> = {
  'roster-core.readonly': ['roster-core.readonly', 'roster.readonly'],
  'roster.readonly': ['roster.readonly'],
  'gradebook.readonly': ['gradebook.readonly'],
  'gradebook.createput': ['gradebook.createput'],
  'webhooks.manage': ['webhooks.manage'],
};
