import { readRuntime } from '../../shared/runtime';
import { apiHandler, reply } from '../api-handler';
import { apiVersions, currentApiVersion, unversionedPaths } from '../api-versions';
import { docsRoutes } from './docs.routes';
import { isIntegrationAccess, type RouteSpec } from '../route-contract';
import { openApiDocument, routesOfVersion } from './openapi';

const version = 'v1';

const whoMayCall = (access: RouteSpec['access']) =>
  access === 'public'
    ? 'anyone'
    : isIntegrationAccess(access)
      ? `integrations with ${access.integration.join(' or ')}`
      : access.join(', ');
let document: ReturnType<typeof openApiDocument> | undefined;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A readable page of every route, its roles and summary, linking to the full document. */
function docsPage(build: string): string {
  const rows = routesOfVersion(version)
    .map(
      (route) =>
        `<tr><td><code>${route.method}</code></td><td><code>${escapeHtml(route.path)}</code></td>` +
        `<td>${escapeHtml(whoMayCall(route.access))}</td>` +
        `<td>${escapeHtml(route.summary)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Campus Cloud API ${version}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1b2733}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d5dbe1;vertical-align:top}th{background:#f4f6f8}</style>
</head><body><h1>Campus Cloud API ${version} <small>(build ${escapeHtml(build)})</small></h1>
<p>Every route, who may call it and what it does. The full contract, with request and response schemas, is the
<a href="/api/${version}/openapi.json">OpenAPI 3.1 document</a>; <a href="/api/versions">the versions</a> says which
are served and until when. Every answer names its version in the <code>api-version</code> header. Errors are <code>{ "error": { "code", "message", "fields": [{ "path", "message" }] } }</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Roles</th><th>What it does</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}

export const handler = apiHandler(docsRoutes, {
  getOpenApiDocument: async () => (document ??= openApiDocument(version)),
  getDocsPage: async () => reply(200, docsPage(readRuntime().version), { 'cache-control': 'public, max-age=300' }),
  listApiVersions: async () => {
    const today = new Date().toISOString().slice(0, 10);
    return reply(
      200,
      {
        current: currentApiVersion,
        versions: apiVersions.map((entry) => ({
          ...entry,
          openapi: `/api/${entry.version}/openapi.json`,
          docs: `/api/${entry.version}/docs`,
        })),
        unversioned: {
          ...unversionedPaths,
          status: today > unversionedPaths.sunset ? ('retired' as const) : ('deprecated' as const),
        },
      },
      { 'cache-control': 'public, max-age=300' },
    );
  },
});
