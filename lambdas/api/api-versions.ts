/**
 * The public API's versions: which exist, their status and dates. `GET /api/versions` lists
 * them; the edge's alias function, the handlers' version headers and the OpenAPI documents
 * read them. Pure definitions, read by the CDK stacks and the local gateway too.
 *
 * A version's routes are declared under `/api/<version>/`; a breaking change to one of them is
 * a new route under the next version, served beside it. A few routes stay outside any version
 * because their address is printed where it cannot be changed later (the health probe, this
 * list, the links in e-mails already sent).
 */

export type ApiVersionStatus = 'current' | 'supported' | 'deprecated' | 'retired';

export interface ApiVersion {
  /** As it appears in paths: `/api/v1/...`. */
  readonly version: string;
  readonly status: ApiVersionStatus;
  /** ISO date it was first served. */
  readonly released: string;
  /** ISO date from which it is deprecated, when it is. */
  readonly deprecated?: string;
  /** ISO date after which it answers 410 Gone. */
  readonly sunset?: string;
}

export const apiVersions: readonly ApiVersion[] = [{ version: 'v1', status: 'current', released: '2026-12-07' }];

/** The version new clients should use, and the one the unversioned paths stand for. */
export const currentApiVersion = 'v1';

/**
 * The unversioned paths (`/api/students`), which the API served before it had versions: they
 * keep answering as aliases of v1 until the sunset date, every answer saying so (`Deprecation`,
 * `Sunset` and a `Link` to the v1 address); after it they answer 410 Gone.
 */
export const unversionedPaths = {
  aliasOf: 'v1',
  deprecated: '2026-12-07',
  sunset: '2027-08-31',
} as const;

/** Response header naming the version that answered. */
export const apiVersionHeader = 'api-version';

/**
 * Request header the edge sets when it served an unversioned path as its v1 alias (and removes
 * from any request that did not), so the handler can answer with the deprecation headers.
 */
export const aliasRequestHeader = 'campus-api-alias';

/** `/api/v1/students` → `v1`; a path outside the versions → undefined. */
export function versionOfPath(path: string): string | undefined {
  return /^\/api\/(v\d+)\//.exec(path)?.[1];
}

const epochSeconds = (isoDate: string) => Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 1000);

/** The end of the sunset day, UTC: the alias answers through that whole day. */
const sunsetEnds = (isoDate: string) => Date.parse(`${isoDate}T23:59:59Z`);

/**
 * The headers of an answer the unversioned alias gave (RFC 9745 `Deprecation` as a structured
 * date, RFC 8594 `Sunset` as an HTTP date, RFC 8288 links to the successor and to the version
 * list), or `retired` once the sunset day is over.
 */
export function aliasAnswerHeaders(
  successorPath: string,
  now: Date = new Date(),
): Readonly<Record<string, string>> | 'retired' {
  if (now.getTime() > sunsetEnds(unversionedPaths.sunset)) return 'retired';
  return {
    deprecation: `@${epochSeconds(unversionedPaths.deprecated)}`,
    sunset: new Date(sunsetEnds(unversionedPaths.sunset)).toUTCString(),
    link: `<${successorPath}>; rel="successor-version", </api/versions>; rel="deprecation"; type="application/json"`,
  };
}
