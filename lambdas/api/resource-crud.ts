import * as z from 'zod';
import { type DataApiSession, type SqlValue, typed } from '../shared/data-api';
import type { ApiResult } from './api-handler';
import type { SchoolRequest } from './school-handler';
import { parseBody, parsePath, parseQuery } from './validation';
import { json, notFound } from '../shared/http';
import { cursorValues, keysetPage } from './sql-fragments';

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

export async function createResource<T>(
  db: DataApiSession,
  spec: ResourceSpec,
  actor: string,
  input: Record<string, unknown>,
): Promise<T> {
  const fields = Object.keys(input).filter((field) => spec.fields[field]);
  const params: Record<string, SqlValue> = { actor };
  for (const field of fields) params[field] = parameter(spec.fields[field]!, input[field]);
  const [row] = await db.query(
    `WITH changed AS (
       INSERT INTO ${spec.table} (${fields.map((f) => spec.fields[f]!.column).join(', ')})
       VALUES (${fields.map((f) => `:${f}`).join(', ')}) RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, after)
       SELECT :actor, 'create', '${spec.entity}', changed.id::text, to_jsonb(changed) FROM changed)
     SELECT ${selectList(spec, 'changed')} FROM changed`,
    params,
  );
  return fromRow<T>(spec, row!);
}

export async function updateResource<T>(
  db: DataApiSession,
  spec: ResourceSpec,
  actor: string,
  id: string,
  change: Record<string, unknown>,
): Promise<T> {
  const fields = Object.keys(change).filter((field) => spec.fields[field]);
  const params: Record<string, SqlValue> = { actor, id: typed.uuid(id) };
  for (const field of fields) params[field] = parameter(spec.fields[field]!, change[field]);
  const [row] = await db.query(
    `WITH before AS (SELECT * FROM ${spec.table} WHERE id = :id),
     changed AS (
       UPDATE ${spec.table} SET ${fields.map((f) => `${spec.fields[f]!.column} = :${f}`).join(', ')}
        WHERE id = :id RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
       SELECT :actor, 'update', '${spec.entity}', changed.id::text, to_jsonb(before), to_jsonb(changed)
         FROM changed JOIN before ON before.id = changed.id)
     SELECT ${selectList(spec, 'changed')} FROM changed`,
    params,
  );
  if (!row) throw notFound(spec.label);
  return fromRow<T>(spec, row);
}

/** Deletes a row nothing refers to (a reference makes it a 409), keeping its last state in the audit log. */
export async function deleteResource(db: DataApiSession, spec: ResourceSpec, actor: string, id: string): Promise<void> {
  const [row] = await db.query(
    `WITH changed AS (DELETE FROM ${spec.table} WHERE id = :id RETURNING *),
     audited AS (
       INSERT INTO audit_log (actor, action, entity, entity_id, before)
       SELECT :actor, 'delete', '${spec.entity}', changed.id::text, to_jsonb(changed) FROM changed)
     SELECT id FROM changed`,
    { actor, id: typed.uuid(id) },
  );
  if (!row) throw notFound(spec.label);
}

/**
 * The five routes of a resource at `path` (list, create) and `path/{id}` (read, change,
 * delete; the parameter may have another name, so that sibling routes agree on it), for a
 * domain's `schoolRoutes`; the manifest lists the same five.
 */
export function resourceHandlers(
  path: string,
  spec: ResourceSpec,
  schemas: { create: z.ZodType; change: z.ZodType; list: z.ZodType },
  idParameter = 'id',
): Record<string, (request: SchoolRequest) => Promise<ApiResult>> {
  const idPath = z.object({ [idParameter]: z.uuid() }).strict();
  const idOf = (request: SchoolRequest) => String(parsePath(idPath, request.event)[idParameter]);
  return {
    [`GET ${path}`]: async ({ event, db }) =>
      json(200, await listResource(db, spec, parseQuery(schemas.list, event) as ListParameters)),
    [`POST ${path}`]: async ({ event, db, principal }) =>
      json(
        201,
        await createResource(db, spec, principal.userId, parseBody(schemas.create, event) as Record<string, unknown>),
      ),
    [`GET ${path}/{${idParameter}}`]: async (request) => json(200, await getResource(request.db, spec, idOf(request))),
    [`PATCH ${path}/{${idParameter}}`]: async (request) =>
      json(
        200,
        await updateResource(
          request.db,
          spec,
          request.principal.userId,
          idOf(request),
          parseBody(schemas.change, request.event) as Record<string, unknown>,
        ),
      ),
    [`DELETE ${path}/{${idParameter}}`]: async (request) => {
      await deleteResource(request.db, spec, request.principal.userId, idOf(request));
      return { statusCode: 204 };
    },
  };
}

type ListParameters = { limit: number; cursor?: string } & Record<string, unknown>;
