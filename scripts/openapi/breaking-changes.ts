/**
 * What changed between two OpenAPI 3.1 documents of one API version, split into the changes
 * that break a client written against the old document and the additions that do not.
 *
 * Breaking: a path or an operation removed; a route that now needs a token, or no longer takes a
 * role or scope it took; a parameter removed or made required, or a new required one; a request
 * body, a media type or a response status no longer taken or given; in what a client sends, a
 * field made required, a field no longer accepted, or a type, enum, length, range or format
 * narrowed; in what a client reads, a field removed or no longer always present, or a type or
 * format changed; a shared schema (the error bodies) changed so. Everything else that differs is
 * an addition: new paths, operations, optional parameters and fields, response fields, statuses,
 * roles and scopes, and enum values a response may now carry (clients read enums as open sets).
 */

type Schema = { readonly [key: string]: unknown };
type Document = {
  readonly paths?: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, Schema>> };
};
type Parameter = { readonly name: string; readonly in: string; readonly required?: boolean; readonly schema?: Schema };
type Media = Readonly<Record<string, { readonly schema?: Schema }>>;
type Access = 'public' | { readonly roles?: readonly string[]; readonly scopes?: readonly string[] };
type Operation = {
  readonly 'x-access'?: Access;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Media };
  readonly responses?: Readonly<Record<string, { readonly content?: Media }>>;
};

export interface ApiChanges {
  readonly breaking: readonly string[];
  readonly additions: readonly string[];
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

interface Found {
  readonly breaking: string[];
  readonly additions: string[];
}

/** A schema with its `$ref` into its own `$defs` followed. */
function resolved(schema: Schema | undefined, root: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let hops = 0; typeof current.$ref === 'string' && hops < 16; hops += 1) {
    const name = /^#\/\$defs\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? (root?.$defs as Record<string, Schema> | undefined)?.[name] : undefined;
    if (!target) break;
    current = target;
  }
  return current;
}

const alternativesOf = (schema: Schema): readonly Schema[] | undefined =>
  (schema.anyOf ?? schema.oneOf) as readonly Schema[] | undefined;

function typesOf(schema: Schema): Set<string> | undefined {
  if (schema.type === undefined) return undefined;
  return new Set((Array.isArray(schema.type) ? schema.type : [schema.type]) as string[]);
}

/** Whether every type of `inner` is one of `outer` (an integer is a number). */
function typesWithin(inner: Set<string>, outer: Set<string>): boolean {
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const propertiesOf = (schema: Schema) => (schema.properties ?? {}) as Record<string, Schema>;
const requiredOf = (schema: Schema) => new Set((schema.required ?? []) as string[]);
const enumOf = (schema: Schema): readonly unknown[] | undefined =>
  schema.enum !== undefined ? (schema.enum as unknown[]) : 'const' in schema ? [schema.const] : undefined;

/**
 * Whether one of the candidates fits (compares without a breaking change): its additions are
 * kept; when none fits, the single candidate's problems, or `otherwise` among several.
 */
function fitOne(
  candidates: readonly Schema[],
  compare: (candidate: Schema, trial: Found) => void,
  found: Found,
  otherwise: string,
): void {
  const trials = candidates.map((candidate) => {
    const trial: Found = { breaking: [], additions: [] };
    compare(candidate, trial);
    return trial;
  });
  const fits = trials.find((trial) => trial.breaking.length === 0);
  if (fits) found.additions.push(...fits.additions);
  else found.breaking.push(...(trials.length === 1 ? trials[0]!.breaking : [otherwise]));
}

/** Problems if `changed` accepts less than `before` did (what a client sends). */
function compareInput(before: Schema, changed: Schema, at: string, found: Found, roots: [Schema?, Schema?]): void {
  const o = resolved(before, roots[0]);
  const n = resolved(changed, roots[1]);
  if (Object.keys(n).length === 0) return;
  if (alternativesOf(o) || alternativesOf(n)) {
    // Each value the old schema took must still be taken by one of the new alternatives.
    for (const alternative of alternativesOf(o) ?? [o]) {
      fitOne(
        alternativesOf(n) ?? [n],
        (candidate, trial) => compareInput(alternative, candidate, at, trial, roots),
        found,
        `${at}: no longer accepts a value it took`,
      );
    }
    return;
  }
  const oldTypes = typesOf(o);
  const newTypes = typesOf(n);
  if (newTypes && (!oldTypes || !typesWithin(oldTypes, newTypes))) {
    found.breaking.push(
      `${at}: type narrowed from ${oldTypes ? [...oldTypes].join('|') : 'any'} to ${[...newTypes].join('|')}`,
    );
    return;
  }
  const oldEnum = enumOf(o);
  const newEnum = enumOf(n);
  if (newEnum) {
    const dropped = oldEnum ? oldEnum.filter((value) => !newEnum.some((kept) => same(kept, value))) : ['(any value)'];
    if (dropped.length)
      found.breaking.push(`${at}: enum narrowed, no longer takes ${dropped.map((v) => JSON.stringify(v)).join(', ')}`);
    const added = oldEnum ? newEnum.filter((value) => !oldEnum.some((was) => same(was, value))) : [];
    if (added.length) found.additions.push(`${at}: now also takes ${added.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  const limits: readonly [string, 'lower' | 'upper'][] = [
    ['minLength', 'lower'],
    ['maxLength', 'upper'],
    ['minimum', 'lower'],
    ['maximum', 'upper'],
    ['exclusiveMinimum', 'lower'],
    ['exclusiveMaximum', 'upper'],
    ['minItems', 'lower'],
    ['maxItems', 'upper'],
  ];
  for (const [limit, kind] of limits) {
    const was = o[limit] as number | undefined;
    const now = n[limit] as number | undefined;
    if (now === undefined) continue;
    const narrower = was === undefined || (kind === 'upper' ? now < was : now > was);
    if (narrower) found.breaking.push(`${at}: ${limit} narrowed from ${was ?? 'none'} to ${now}`);
  }
  for (const keyword of ['pattern', 'format']) {
    if (n[keyword] !== undefined && n[keyword] !== o[keyword]) {
      found.breaking.push(
        `${at}: ${keyword} changed from ${JSON.stringify(o[keyword] ?? 'none')} to ${JSON.stringify(n[keyword])}`,
      );
    }
  }
  if (o.items || n.items) compareInput((o.items ?? {}) as Schema, (n.items ?? {}) as Schema, `${at}[]`, found, roots);
  const oldRequired = requiredOf(o);
  for (const name of requiredOf(n)) {
    if (!oldRequired.has(name)) found.breaking.push(`${at}.${name}: made required`);
  }
  const oldProperties = propertiesOf(o);
  const newProperties = propertiesOf(n);
  for (const [name, schema] of Object.entries(oldProperties)) {
    if (newProperties[name]) compareInput(schema, newProperties[name], `${at}.${name}`, found, roots);
    // Refused where unknown fields are refused, ignored elsewhere: either way what a client sends is lost.
    else found.breaking.push(`${at}.${name}: no longer accepted`);
  }
  for (const name of Object.keys(newProperties)) {
    if (!oldProperties[name] && !requiredOf(n).has(name)) found.additions.push(`${at}.${name}: new optional field`);
  }
  if (typeof o.additionalProperties === 'object' && typeof n.additionalProperties === 'object') {
    compareInput(o.additionalProperties as Schema, n.additionalProperties as Schema, `${at}.*`, found, roots);
  }
}

/** Problems if `changed` may give what `before` never promised (what a client reads). */
function compareOutput(before: Schema, changed: Schema, at: string, found: Found, roots: [Schema?, Schema?]): void {
  const o = resolved(before, roots[0]);
  const n = resolved(changed, roots[1]);
  if (Object.keys(o).length === 0) return;
  if (alternativesOf(o) || alternativesOf(n)) {
    // Each shape the new schema may give must be one of the old alternatives.
    for (const alternative of alternativesOf(n) ?? [n]) {
      fitOne(
        alternativesOf(o) ?? [o],
        (candidate, trial) => compareOutput(candidate, alternative, at, trial, roots),
        found,
        `${at}: may now be a shape it never was`,
      );
    }
    return;
  }
  const oldTypes = typesOf(o);
  const newTypes = typesOf(n);
  if (oldTypes && (!newTypes || !typesWithin(newTypes, oldTypes))) {
    found.breaking.push(
      `${at}: type changed from ${[...oldTypes].join('|')} to ${newTypes ? [...newTypes].join('|') : 'any'}`,
    );
    return;
  }
  const oldEnum = enumOf(o);
  const newEnum = enumOf(n);
  if (oldEnum) {
    const added = newEnum ? newEnum.filter((value) => !oldEnum.some((was) => same(was, value))) : ['(any value)'];
    if (added.length) found.additions.push(`${at}: may now be ${added.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (o.format !== undefined && n.format !== o.format) {
    found.breaking.push(
      `${at}: format changed from ${JSON.stringify(o.format)} to ${JSON.stringify(n.format ?? 'none')}`,
    );
  }
  if (o.items || n.items) compareOutput((o.items ?? {}) as Schema, (n.items ?? {}) as Schema, `${at}[]`, found, roots);
  const newRequired = requiredOf(n);
  for (const name of requiredOf(o)) {
    if (!newRequired.has(name) && propertiesOf(n)[name]) found.breaking.push(`${at}.${name}: no longer always present`);
  }
  const oldProperties = propertiesOf(o);
  const newProperties = propertiesOf(n);
  for (const [name, schema] of Object.entries(oldProperties)) {
    if (newProperties[name]) compareOutput(schema, newProperties[name], `${at}.${name}`, found, roots);
    else found.breaking.push(`${at}.${name}: removed`);
  }
  for (const name of Object.keys(newProperties)) {
    if (!oldProperties[name]) found.additions.push(`${at}.${name}: new field`);
  }
  if (typeof o.additionalProperties === 'object' && typeof n.additionalProperties === 'object') {
    compareOutput(o.additionalProperties as Schema, n.additionalProperties as Schema, `${at}.*`, found, roots);
  }
}

/** Who may call: a route that needs more than it did (a token, a role or scope it no longer takes) breaks its callers. */
function compareAccess(before: Access | undefined, changed: Access | undefined, at: string, found: Found): void {
  if (before === undefined || changed === undefined || before === 'public') {
    if (before === 'public' && changed !== 'public' && changed !== undefined)
      found.breaking.push(`${at}: now needs a token`);
    return;
  }
  if (changed === 'public') {
    found.additions.push(`${at}: now public`);
    return;
  }
  for (const kind of ['roles', 'scopes'] as const) {
    const now = changed[kind] ?? [];
    for (const held of before[kind] ?? []) {
      if (!now.includes(held))
        found.breaking.push(`${at}: no longer open to ${kind === 'roles' ? 'role' : 'scope'} ${held}`);
    }
    for (const added of now)
      if (!(before[kind] ?? []).includes(added)) found.additions.push(`${at}: now open to ${added}`);
  }
}

function compareOperation(before: Operation, changed: Operation, at: string, found: Found): void {
  compareAccess(before['x-access'], changed['x-access'], at, found);
  const key = (parameter: Parameter) => `${parameter.in} ${parameter.name}`;
  const oldParameters = new Map((before.parameters ?? []).map((p) => [key(p), p]));
  const newParameters = new Map((changed.parameters ?? []).map((p) => [key(p), p]));
  for (const [name, parameter] of oldParameters) {
    const now = newParameters.get(name);
    if (!now) {
      found.breaking.push(`${at} ${name}: parameter removed`);
      continue;
    }
    if (now.required && !parameter.required) found.breaking.push(`${at} ${name}: parameter made required`);
    compareInput(parameter.schema ?? {}, now.schema ?? {}, `${at} ${name}`, found, [parameter.schema, now.schema]);
  }
  for (const [name, parameter] of newParameters) {
    if (oldParameters.has(name)) continue;
    if (parameter.required) found.breaking.push(`${at} ${name}: new required parameter`);
    else found.additions.push(`${at} ${name}: new optional parameter`);
  }

  const oldBody = before.requestBody;
  const newBody = changed.requestBody;
  if (!oldBody && newBody?.required) found.breaking.push(`${at}: now requires a body`);
  if (oldBody && newBody) {
    for (const [media, { schema }] of Object.entries(oldBody.content ?? {})) {
      const now = newBody.content?.[media];
      if (!now) found.breaking.push(`${at} body: no longer takes ${media}`);
      else compareInput(schema ?? {}, now.schema ?? {}, `${at} body`, found, [schema, now.schema]);
    }
  }

  const newResponses = changed.responses ?? {};
  for (const [status, response] of Object.entries(before.responses ?? {})) {
    const now = newResponses[status];
    if (!now) {
      found.breaking.push(`${at}: no longer answers ${status}`);
      continue;
    }
    for (const [media, { schema }] of Object.entries(response.content ?? {})) {
      const given = now.content?.[media];
      if (!given) found.breaking.push(`${at} ${status}: no longer gives ${media}`);
      else compareOutput(schema ?? {}, given.schema ?? {}, `${at} ${status}`, found, [schema, given.schema]);
    }
  }
  for (const status of Object.keys(newResponses)) {
    if (!(before.responses ?? {})[status]) found.additions.push(`${at}: may also answer ${status}`);
  }
}

/** The changes from the published document to the one the routes generate now. */
export function apiChanges(publishedDocument: object, generatedDocument: object): ApiChanges {
  const published = publishedDocument as Document;
  const generated = generatedDocument as Document;
  const found: Found = { breaking: [], additions: [] };
  const newPaths = generated.paths ?? {};
  for (const [path, operations] of Object.entries(published.paths ?? {})) {
    const now = newPaths[path];
    if (!now) {
      found.breaking.push(`${path}: path removed`);
      continue;
    }
    for (const method of methods) {
      const operation = operations[method];
      if (!operation) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (!now[method]) found.breaking.push(`${at}: operation removed`);
      else compareOperation(operation, now[method], at, found);
    }
    for (const method of methods) {
      if (now[method] && !operations[method]) found.additions.push(`${method.toUpperCase()} ${path}: new operation`);
    }
  }
  for (const path of Object.keys(newPaths)) {
    if (!(published.paths ?? {})[path]) found.additions.push(`${path}: new path`);
  }
  // The shared schemas (the error bodies) are read by every client, as responses are.
  const newSchemas = generated.components?.schemas ?? {};
  for (const [name, schema] of Object.entries(published.components?.schemas ?? {})) {
    if (!newSchemas[name]) found.breaking.push(`components.schemas.${name}: removed`);
    else compareOutput(schema, newSchemas[name], `components.schemas.${name}`, found, [schema, newSchemas[name]]);
  }
  return found;
}
