import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { apiVersions, currentApiVersion } from '../../lambdas/api/api-versions';
import { oneRosterOpenApiDocument, openApiDocument } from '../../lambdas/api/docs/openapi';
import { routeKey, routes } from '../../lambdas/api/routes';
import { routeMatcher } from '../../local/gateway/route-matcher';
import { loadApiVersionAlias } from '../../local/gateway/cloudfront-function';
import { projectRoot } from '../../lib/project';

type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/**
 * Real responses held against the OpenAPI document, as a client reading the document would:
 * the document is the one the API serves (generated from the route declarations), and every
 * response the test support receives from the API is checked here: its status must be one the
 * route documents, and its JSON body must match that status's schema.
 */
const document = {
  ...openApiDocument(currentApiVersion),
  // Every version's routes, each as its own version's document describes it.
  paths: Object.assign(
    {},
    ...apiVersions.map(({ version }) => openApiDocument(version).paths),
    oneRosterOpenApiDocument().paths,
  ) as Record<string, unknown>,
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'campus', components: document.components });
const match = routeMatcher(routes);
const versionAlias = loadApiVersionAlias(projectRoot, routes);
const validators = new Map<string, ValidateFunction>();

/** `#/components/schemas/X` inside the document, as a reference the compiled schemas can follow. */
function rebased(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"campus#/components/')) as unknown;
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/** Which route's operations answered, and with which statuses: what the suite exercised. */
export const answered = new Map<string, Set<number>>();

/**
 * Checks one response of the API against the document; throws a ContractViolation naming the
 * route, the status and what does not match. Paths no route matches (the gateway's 404) are
 * not operations of the document and are left alone.
 */
export function assertMatchesContract(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const pathname = new URL(path, 'http://localhost').pathname;
  // An unversioned path is answered by the route the edge serves it as.
  const found = match(method, pathname) ?? match(method, versionAlias(pathname, {}).uri);
  if (!found) return;
  const key = routeKey(found.route);
  const operation = (document.paths[found.route.path] as Record<string, Operation>)[method.toLowerCase()]!;
  const documented = operation.responses[String(status)];
  if (!documented) {
    throw new ContractViolation(
      `${key} answered ${status}, which its declaration does not document (${Object.keys(operation.responses).join(', ')}): ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
  (answered.get(key) ?? answered.set(key, new Set()).get(key)!).add(status);
  const json = documented.content?.['application/json'];
  if (!json) {
    if (documented.content?.['text/html'] && !/text\/html/.test(contentType ?? '')) {
      throw new ContractViolation(`${key} answered ${status} as ${contentType}, not the web page it documents.`);
    }
    if (!documented.content && body !== undefined) {
      throw new ContractViolation(`${key} answered ${status} with a body where it documents none.`);
    }
    return;
  }
  if (!/json/.test(contentType ?? '')) {
    throw new ContractViolation(`${key} answered ${status} as ${contentType}, not the JSON it documents.`);
  }
  const cacheKey = `${key} ${status}`;
  let validate = validators.get(cacheKey);
  if (!validate) {
    validate = ajv.compile(rebased(json.schema) as object);
    validators.set(cacheKey, validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (error) =>
          `${error.instancePath || '(body)'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`,
      );
    throw new ContractViolation(
      `${key} answered ${status} with a body its declaration does not describe:\n  ${problems.join('\n  ')}\n  body: ${JSON.stringify(body).slice(0, 400)}`,
    );
  }
}
