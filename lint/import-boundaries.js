import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's import directions (README, "Rules that hold everywhere") as an ESLint rule:
 * each import's target is resolved to its place in the project and checked against where
 * the importing file stands. A rule of the project's own: it needs no resolver, since every
 * boundary is a folder and relative paths name it.
 */

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The one module of the API that clients (the web app) may read: types only. */
const apiTypes = 'lambdas/api/api-types';

const typesOnlyReason = `${apiTypes} is types only: import and export with \`import type\`/\`export type\`, declare only types, so no runtime code reaches a client`;

/** The scripts run against real stages (`npm run onboard -- --stage prod`…). */
const stageScripts = 'scripts/workflows/';

/** What lib/ (the CDK app) may read of lambdas/ at run time: definitions, never handler code (types are free). */
const definitionsForLib = [
  /^lambdas\/api\/routes$/,
  /^lambdas\/api\/route-contract$/,
  /^lambdas\/api\/api-versions$/,
  /^lambdas\/api\/[\w-]+\/[\w-]+\.(routes|schemas)$/,
  /^lambdas\/onboarding\/onboarding\.schemas$/,
  /^lambdas\/shared\/(buckets|directory-cache|jurisdictions|password-policy|platform-variables|queues|resource-names|integration-scopes|roles|tables|telemetry-names)$/,
];

const top = (path) => path.split('/')[0];
const contextOf = (path) => (path.startsWith('lambdas/') ? path.split('/')[1] : undefined);

/**
 * Why an import from `from` (project-relative, no extension) of `to` is refused, or undefined
 * when it is allowed. `typeOnly`: the import names types only (no runtime code comes with it).
 */
export function boundaryViolation(from, to, typeOnly) {
  const source = top(from);
  const target = top(to);
  if (source === 'lambdas') {
    if (['local', 'lib', 'scripts', 'test', 'web'].includes(target)) {
      return `the functions' code (lambdas/) never imports ${target}/: what runs on AWS cannot depend on it`;
    }
    const own = contextOf(from);
    const theirs = contextOf(to);
    if (target === 'lambdas' && theirs !== own && theirs !== 'shared') {
      return own === 'shared'
        ? `lambdas/shared/ is beneath every context and imports none (not lambdas/${theirs}/)`
        : `lambdas/${own}/ reaches only itself and lambdas/shared/, not lambdas/${theirs}/ (contexts never import each other)`;
    }
  }
  if (source === 'web' && target !== 'web') {
    if (to === apiTypes && typeOnly) return undefined;
    return `the web app imports only its own code and the API's types (\`import type\` from ${apiTypes}), not ${to}`;
  }
  if (from.startsWith(stageScripts) && (target === 'local' || target === 'test')) {
    return `scripts/workflows/ run against real stages too: they cannot import ${target}/`;
  }
  if (source === 'lib') {
    if (target === 'local' || target === 'test' || target === 'scripts' || target === 'web') {
      return `the CDK app (lib/) never imports ${target}/`;
    }
    if (target === 'lambdas' && !typeOnly && !definitionsForLib.some((pattern) => pattern.test(to))) {
      return `lib/ reads definitions of lambdas/ (routes, schemas, table, queue and bucket definitions, names), not handler code such as ${to}`;
    }
  }
  return undefined;
}

/** A relative specifier as a project path, without its extension; undefined for packages and Node built-ins. */
function projectPath(file, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const absolute = resolve(dirname(file), specifier);
  const path = relative(projectRoot, absolute).split(sep).join('/');
  if (path.startsWith('..')) return undefined;
  return path.replace(/\.(ts|tsx|js|mjs|cjs|json)$/, '').replace(/\/index$/, '');
}

const isTypeOnly = (node) =>
  node.importKind === 'type' ||
  node.exportKind === 'type' ||
  (node.specifiers?.length > 0 &&
    node.specifiers.every((specifier) => specifier.importKind === 'type' || specifier.exportKind === 'type'));

export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "Keeps imports to the project's boundaries (lambdas, contexts, lib, local, web, scripts)." },
    schema: [],
    messages: { crossed: '{{reason}}' },
  },
  create(context) {
    const file = context.filename;
    const from = projectPath(join(projectRoot, 'x'), `./${relative(projectRoot, file).split(sep).join('/')}`);
    if (!from) return {};
    const typesOnly = from === apiTypes;
    const check = (node, source, typeOnly) => {
      if (typeof source?.value !== 'string') return;
      if (typesOnly && !typeOnly) {
        return context.report({ node: source, messageId: 'crossed', data: { reason: typesOnlyReason } });
      }
      const to = projectPath(file, source.value);
      if (!to) return;
      const reason = boundaryViolation(from, to, typeOnly);
      if (reason) context.report({ node: source, messageId: 'crossed', data: { reason } });
    };
    return {
      // The types-only module holds no statement that would run.
      Program: (program) => {
        if (!typesOnly) return;
        for (const statement of program.body) {
          const declaration = statement.declaration ?? statement;
          const isType = /^TS(TypeAlias|Interface)Declaration$/.test(declaration.type) || Boolean(statement.source);
          if (!isType && statement.type !== 'ImportDeclaration') {
            context.report({ node: statement, messageId: 'crossed', data: { reason: typesOnlyReason } });
          }
        }
      },
      ImportDeclaration: (node) => check(node, node.source, isTypeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};

export default { rules: { 'import-boundaries': importBoundaries } };
