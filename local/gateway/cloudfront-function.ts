import { readFileSync } from 'node:fs';
import type { RouteDefinition } from '../../lambdas/api/route-contract';
import { apiVersionAliasSource } from '../../lib/edge/api-version-alias-source';

/**
 * Loads a CloudFront Function (cloudfront-js-2.0) from its source file and returns its
 * `handler`, so the local gateway and tests run exactly the code CloudFront runs.
 */
export function loadCloudFrontFunction<E, R>(file: string): (event: E) => R {
  return cloudFrontFunctionOf<E, R>(readFileSync(file, 'utf8'));
}

/** A CloudFront Function's `handler`, from its source text. */
export function cloudFrontFunctionOf<E, R>(source: string): (event: E) => R {
  // The function is a script, not a module: evaluating its source is how CloudFront loads it too.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function(`${source}; return handler;`) as () => (event: E) => R;
  return load();
}

/** The web app's SPA fallback: app routes become `/index.html`, files stay. */
export function loadSpaFallback(projectRoot: string): (uri: string) => string {
  const handler = loadCloudFrontFunction<{ request: { uri: string } }, { uri: string }>(
    `${projectRoot}/lib/edge/spa-fallback.js`,
  );
  return (uri) => handler({ request: { uri } }).uri;
}

type ViewerHeaders = Record<string, { value: string }>;

/**
 * The API behaviour's version alias, as the web stack deploys it for these routes: a request
 * for an unversioned path comes back with its versioned path and the alias header.
 */
export function loadApiVersionAlias(
  projectRoot: string,
  routes: readonly RouteDefinition[],
): (uri: string, headers: Readonly<Record<string, string>>) => { uri: string; headers: Record<string, string> } {
  const handler = cloudFrontFunctionOf<
    { request: { uri: string; headers: ViewerHeaders } },
    { uri: string; headers: ViewerHeaders }
  >(apiVersionAliasSource(projectRoot, routes));
  return (uri, headers) => {
    const viewer = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { value }]));
    const request = handler({ request: { uri, headers: viewer } });
    return {
      uri: request.uri,
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, { value }]) => [name, value])),
    };
  };
}
