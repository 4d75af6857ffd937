import { readFileSync } from 'node:fs';

/**
 * Loads a CloudFront Function (cloudfront-js-2.0) from its source file and returns its
 * `handler`, so the local gateway and tests run exactly the code CloudFront runs.
 */
export function loadCloudFrontFunction<E, R>(file: string): (event: E) => R {
  const source = readFileSync(file, 'utf8');
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
