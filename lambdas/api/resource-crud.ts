import { type DataApiSession, type SqlValue, typed } from '../shared/data-api';
import { auditEntry } from '../shared/audit-entry';
import { notFound } from '../shared/http';
import type { Implementation } from './api-handler';
import type { ColumnSpec, ResourceOperation, ResourceRoutes, ResourceRow, ResourceSpec } from './resource-schema';
import type { RouteSpec } from './route-contract';
import type { SchoolRequest } from './school-handler';
import { cursorValues, keysetPage } from './sql-fragments';

/** A field's value as the request's schema gave it: text, a number, or (for `json`) any JSON. */
function parameter(spec: ColumnSpec, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (spec.type === 'json') return typed.json(value);
  const scalar = value as string | number;
  switch (spec.type) {
    case 'uuid':
      return typed.uuid(String(scalar));
    case 'date':
      return typed.date(String(scalar));
    case 'decimal':
      return typed.decimal(String(scalar));
    case 'integer':
      return Number(scalar);
    default:
      return String(scalar);
  }
}

function selectList(spec: ResourceSpec, alias: string): string {
  const output = (field: string, { column, type }: ColumnSpec) => {
    const ref = `${alias}.${column}`;
    const value =
      type === 'date'
        ? `to_char(${ref}, 'YYYY-MM-DD')`
        : type === 'decimal'
          ? `${ref}::float8`
          : type === 'json'
            ? `${ref}::text`
            : ref;
    return `${value} AS "${field}"`;
  };
  return [`${alias}.id`, ...Object.entries(spec.fields).map(([field, column]) => output(field, column))].join(', ');
}

function fromRow<T>(spec: ResourceSpec, row: Record<string, unknown>): T {
  for (const [field, { type }] of Object.entries(spec.fields)) {
    if (type === 'json' && typeof row[field] === 'string') row[field] = JSON.parse(row[field]);
  }
  return row as T;
}

export async function listResource<T>(
  db: DataApiSession,
  spec: ResourceSpec,
  query: { limit: number; cursor?: string | undefined } & Record<string, unknown>,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  for (const field of spec.filters) {
    if (query[field] === undefined) continue;
    conditions.push(`r.${spec.fields[field]!.column} = :${field}`);
    params[field] = parameter(spec.fields[field]!, query[field]);
  }
  const sort = spec.fields[spec.sortField]!;
  if (query.cursor) {
    const after = cursorValues(query.cursor, 2);
    conditions.push(`(r.${sort.column}, r.id) > (:afterSort, :afterId)`);
    params.afterSort = parameter(sort, after[0]);
    params.afterId = typed.uuid(String(after[1]));
  }
  const rows = await db.query(
    `SELECT ${selectList(spec, 'r')} FROM ${spec.table} r
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY r.${sort.column}, r.id LIMIT :limit`,
    params,
  );
  return keysetPage(
    rows.map((row) => fromRow<T & { id: string }>(spec, row)),
    query.limit,
    (last) => [(last as Record<string, unknown>)[spec.sortField] as string | number, last.id],
  );
}

export async function getResource<T>(db: DataApiSession, spec: ResourceSpec, id: string): Promise<T> {
  const [row] = await db.query(`SELECT ${selectList(spec, 'r')} FROM ${spec.table} r WHERE r.id = :id`, {
    id: typed.uuid(id),
  });
  if (!row) throw notFound(spec.label);
  return fromRow<T>(spec, row);
}

/** The people a resource's rows are about: a guardian's own row. */
const peopleOf = (spec: ResourceSpec) => (spec.entity === 'guardian' ? ['id'] : []);

export async function createResource<T>(
  db: DataApiSession,
  spec: ResourceSpec,
  input: Record<string, unknown>,
): Promise<T> {
  const fields = Object.keys(input).filter((field) => spec.fields[field]);
  const params: Record<string, SqlValue> = {};
  for (const field of fields) params[field] = parameter(spec.fields[field]!, input[field]);
  const [row] = await db.query(
    `WITH changed AS (
       INSERT INTO ${spec.table} (${fields.map((f) => spec.fields[f]!.column).join(', ')})
       VALUES (${fields.map((f) => `:${f}`).join(', ')}) RETURNING *),
     ${auditEntry({ action: 'create', entity: spec.entity, after: 'changed', rows: 'one', people: peopleOf(spec) })}
     SELECT ${selectList(spec, 'changed')} FROM changed`,
    params,
  );
  return fromRow<T>(spec, row!);
}

export async function updateResource<T>(
  db: DataApiSession,
  spec: ResourceSpec,
  id: string,
  change: Record<string, unknown>,
): Promise<T> {
  const fields = Object.keys(change).filter((field) => spec.fields[field]);
  const params: Record<string, SqlValue> = { id: typed.uuid(id) };
  for (const field of fields) params[field] = parameter(spec.fields[field]!, change[field]);
  const [row] = await db.query(
    `WITH before AS (SELECT * FROM ${spec.table} WHERE id = :id),
     changed AS (
       UPDATE ${spec.table} SET ${fields.map((f) => `${spec.fields[f]!.column} = :${f}`).join(', ')}
        WHERE id = :id RETURNING *),
     ${auditEntry({ action: 'update', entity: spec.entity, before: 'before', after: 'changed', rows: 'one', people: peopleOf(spec) })}
     SELECT ${selectList(spec, 'changed')} FROM changed`,
    params,
  );
  if (!row) throw notFound(spec.label);
  return fromRow<T>(spec, row);
}

/** Deletes a row nothing refers to (a reference makes it a 409), keeping its last state in the audit log. */
export async function deleteResource(db: DataApiSession, spec: ResourceSpec, id: string): Promise<void> {
  const [row] = await db.query(
    `WITH removed AS (DELETE FROM ${spec.table} WHERE id = :id RETURNING *),
     ${auditEntry({ action: 'delete', entity: spec.entity, before: 'removed', rows: 'one', people: peopleOf(spec) })}
     SELECT id FROM removed`,
    { id: typed.uuid(id) },
  );
  if (!row) throw notFound(spec.label);
}

/** The five routes of a resource (`resourceRoutes`), under the operation names it declares them by. */
export function resourceImplementations<P extends string, S extends string>(
  resource: ResourceRoutes<P, S>,
): { readonly [K in ResourceOperation<P, S>]: Implementation<RouteSpec, SchoolRequest> } {
  const { spec, idParameter, operations } = resource;
  const idOf = (params: unknown) => String((params as Record<string, unknown>)[idParameter]);
  const implementations: Record<string, Implementation<RouteSpec, SchoolRequest>> = {
    [operations.list]: ({ db, query }) => listResource<ResourceRow>(db, spec, query as ListParameters),
    [operations.create]: ({ db, body }) => createResource<ResourceRow>(db, spec, body as Record<string, unknown>),
    [operations.get]: ({ db, params }) => getResource<ResourceRow>(db, spec, idOf(params)),
    [operations.update]: ({ db, params, body }) =>
      updateResource<ResourceRow>(db, spec, idOf(params), body as Record<string, unknown>),
    [operations.delete]: async ({ db, params }) => {
      await deleteResource(db, spec, idOf(params));
    },
  };
  return implementations as { readonly [K in ResourceOperation<P, S>]: Implementation<RouteSpec, SchoolRequest> };
}

type ListParameters = { limit: number; cursor?: string } & Record<string, unknown>;
