import * as z from 'zod';
import type { Role } from '../shared/roles';
import { type RouteSpec, schoolStaff } from './route-contract';

type ColumnType = 'text' | 'uuid' | 'date' | 'integer' | 'decimal' | 'json';

export interface ColumnSpec {
  readonly column: string;
  readonly type: ColumnType;
}

/**
 * A table of school data served as a plain resource: list (keyset-paged, filtered),
 * read, create, change and delete, each one audited statement. Column and table names
 * here are constants of the code, never input.
 */
export interface ResourceSpec {
  /** Audit entity name, e.g. `grade-level`; also used in messages. */
  readonly entity: string;
  readonly label: string;
  readonly table: string;
  /** API field → column; `id` is always there. */
  readonly fields: Readonly<Record<string, ColumnSpec>>;
  /** Field the list is sorted by (then by id). */
  readonly sortField: string;
  /** Fields a list may be filtered on, by equality. */
  readonly filters: readonly string[];
}

/** One row of a resource, as its routes return it. */
export type ResourceRow = { readonly id: string } & Readonly<Record<string, unknown>>;

const columnSchemas = {
  text: () => z.string(),
  uuid: () => z.uuid(),
  date: () => z.iso.date(),
  integer: () => z.number().int(),
  decimal: () => z.number(),
  json: () => z.unknown(),
} as const;

/** What a resource's routes return for one row, derived from its definition. */
export function resourceSchema(spec: ResourceSpec): z.ZodType<ResourceRow> {
  return z.object({
    id: z.uuid(),
    ...Object.fromEntries(
      Object.entries(spec.fields).map(([field, column]) => [field, columnSchemas[column.type]().nullable()]),
    ),
  });
}

/** A page of a list: its items and the cursor of the next page, if any. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The operations of a resource named `Singular` / `Plural`: `listTerms`, `createTerm`, `getTerm`… */
export type ResourceOperation<P extends string, S extends string> =
  `list${P}` | `create${S}` | `get${S}` | `update${S}` | `delete${S}`;

export interface ResourceRoutes<P extends string, S extends string> {
  readonly spec: ResourceSpec;
  /** The path parameter of one row (`id` unless sibling routes name it otherwise). */
  readonly idParameter: string;
  readonly operations: { readonly [K in 'list' | 'create' | 'get' | 'update' | 'delete']: ResourceOperation<P, S> };
  readonly specs: { readonly [K in ResourceOperation<P, S>]: RouteSpec };
}

/**
 * The five routes of a resource at `path` (list, create) and `path/{id}` (read, change,
 * delete): by default staff read it and school admins change it. Its handler implements
 * them with `resourceImplementations` (resource-crud.ts), under the same operation names.
 */
export function resourceRoutes<const P extends string, const S extends string>(declaration: {
  readonly path: string;
  readonly spec: ResourceSpec;
  readonly schemas: { readonly create: z.ZodType; readonly change: z.ZodType; readonly list: z.ZodType };
  /** Operation names: `{ plural: 'Terms', singular: 'Term' }` gives `listTerms`, `createTerm`… */
  readonly names: { readonly plural: P; readonly singular: S };
  /** How summaries name them: `{ plural: 'terms, by academic year', singular: 'a term' }`. */
  readonly described: { readonly plural: string; readonly singular: string };
  readonly idParameter?: string;
  readonly readers?: readonly Role[];
  readonly writers?: readonly Role[];
}): ResourceRoutes<P, S> {
  const { path, spec, schemas, names, described } = declaration;
  const idParameter = declaration.idParameter ?? 'id';
  const readers = declaration.readers ?? schoolStaff;
  const writers = declaration.writers ?? ['school-admin'];
  const item = `${path}/{${idParameter}}`;
  const params = z.object({ [idParameter]: z.uuid() }).strict();
  const row = resourceSchema(spec);
  const operations = {
    list: `list${names.plural}`,
    create: `create${names.singular}`,
    get: `get${names.singular}`,
    update: `update${names.singular}`,
    delete: `delete${names.singular}`,
  } as const;
  const specs = {
    [operations.list]: {
      method: 'GET',
      path,
      access: readers,
      summary: `List ${described.plural}, paged.`,
      query: schemas.list,
      response: { status: 200, body: pageOf(row) },
    },
    [operations.create]: {
      method: 'POST',
      path,
      access: writers,
      summary: `Add ${described.singular}.`,
      body: schemas.create,
      response: { status: 201, body: row },
    },
    [operations.get]: {
      method: 'GET',
      path: item,
      access: readers,
      summary: `Read ${described.singular}.`,
      params,
      response: { status: 200, body: row },
    },
    [operations.update]: {
      method: 'PATCH',
      path: item,
      access: writers,
      summary: `Change ${described.singular}.`,
      params,
      body: schemas.change,
      response: { status: 200, body: row },
    },
    [operations.delete]: {
      method: 'DELETE',
      path: item,
      access: writers,
      summary: `Delete ${described.singular} nothing refers to.`,
      params,
      response: { status: 204 },
    },
  } as ResourceRoutes<P, S>['specs'];
  return { spec, idParameter, operations, specs };
}
