import * as z from 'zod';
import type { SqlValue } from '../../shared/data-api';
import { HttpError } from '../../shared/http';

/**
 * OneRoster 1.2's list semantics over a record type's fields: `filter` (its grammar: a predicate
 * `field op 'value'`, predicates joined by ` AND ` or ` OR `), `sort` and `orderBy`, `fields`, and
 * `limit`/`offset` paging. Filters and sorts become SQL over the columns a record type declares,
 * with every value a bound parameter; nothing of the query reaches SQL as text.
 */

/** How a record field compares: as text (`~` is "contains"), a date, a timestamp, a number or a boolean. */
export type FieldKind = 'text' | 'date' | 'datetime' | 'number' | 'boolean';

/** A field a list can be filtered and sorted on: the SQL expression of its value in the record type's view. */
export interface QueryableField {
  readonly sql: string;
  readonly kind: FieldKind;
}

export type QueryableFields = Readonly<Record<string, QueryableField>>;

/**
 * The most records one page holds, whatever `limit` asks: a page is one Data API answer, which
 * may not pass 1 MB, and a record with its references is up to about 1.5 KB. A client reads on
 * with the Link header's next page, as the spec has it do.
 */
export const largestPage = 500;

/** The query parameters of every OneRoster collection endpoint, as the route declarations take them. */
export const listQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .transform((limit) => Math.min(limit, largestPage))
    .describe(`Records a page (default 100); at most ${largestPage} are given, the Link header names the next page.`),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.string().max(100).optional(),
  orderBy: z.enum(['asc', 'desc']).default('asc'),
  filter: z.string().max(2000).optional(),
  fields: z.string().max(2000).optional(),
});

export type ListQuery = z.output<typeof listQuery>;

/** The query of an endpoint that returns one record: `fields` only. */
export const recordQuery = z.object({ fields: z.string().max(2000).optional() });

/** A refusal in OneRoster's terms: its HTTP status and the spec's code (`imsx_codeMinorFieldValue`). */
export const oneRosterRefusal = (status: number, codeMinor: string, message: string) =>
  new HttpError(status, codeMinor, message);

type Operator = '!=' | '>=' | '<=' | '=' | '>' | '<' | '~';

interface Predicate {
  readonly field: string;
  readonly operator: Operator;
  readonly value: string;
}

export interface ParsedFilter {
  readonly predicates: readonly Predicate[];
  /** How the predicates are joined (the spec allows one logical operator in a filter). */
  readonly logic: 'AND' | 'OR';
}

const badFilter = (why: string) => oneRosterRefusal(400, 'invalid_filter_field', `The filter is not valid: ${why}.`);

/**
 * Parses a filter: `familyName='Silva'`, `dateLastModified>'2026-01-01T00:00:00Z' AND status='active'`.
 * A value is in single quotes (a quote inside it is written twice); predicates are joined by ` AND `
 * or ` OR `, not both.
 */
export function parseFilter(filter: string): ParsedFilter {
  const predicates: Predicate[] = [];
  const joins = new Set<'AND' | 'OR'>();
  let rest = filter.trim();
  for (;;) {
    const head = /^([A-Za-z][A-Za-z0-9.]*)\s*(!=|>=|<=|=|>|<|~)\s*'/.exec(rest);
    if (!head) throw badFilter(`expected field, operator and a quoted value at "${rest.slice(0, 40)}"`);
    let index = head[0].length;
    let value = '';
    for (;;) {
      const quote = rest.indexOf("'", index);
      if (quote < 0) throw badFilter('a value is not closed by a quote');
      value += rest.slice(index, quote);
      if (rest[quote + 1] === "'") {
        value += "'";
        index = quote + 2;
        continue;
      }
      index = quote + 1;
      break;
    }
    predicates.push({ field: head[1]!, operator: head[2] as Operator, value });
    rest = rest.slice(index);
    if (rest.trim() === '') break;
    const join = /^\s+(AND|OR)\s+/.exec(rest);
    if (!join) throw badFilter(`expected AND or OR at "${rest.trim().slice(0, 40)}"`);
    joins.add(join[1] as 'AND' | 'OR');
    rest = rest.slice(join[0].length);
  }
  if (joins.size > 1) throw badFilter('use AND or OR, not both');
  return { predicates, logic: joins.has('OR') ? 'OR' : 'AND' };
}

const castOf: Record<FieldKind, string> = {
  text: 'text',
  date: 'date',
  datetime: 'timestamptz',
  number: 'numeric',
  boolean: 'boolean',
};

/** A day that exists: 2026-02-30 is refused here, not by the database. */
function isRealDay(day: string): boolean {
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day);
}

const valueChecks: Record<FieldKind, (value: string) => boolean> = {
  text: () => true,
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDay(value),
  datetime: (value) =>
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value) &&
    isRealDay(value.slice(0, 10)) &&
    !Number.isNaN(Date.parse(value)),
  number: (value) => /^-?\d+(\.\d+)?$/.test(value),
  boolean: (value) => value === 'true' || value === 'false',
};

/** The SQL condition of a filter over these fields, its values as parameters named `f0`, `f1`…. */
export function filterSql(
  filter: string | undefined,
  fields: QueryableFields,
): { sql: string; params: Record<string, SqlValue> } {
  if (filter === undefined || filter.trim() === '') return { sql: 'true', params: {} };
  const { predicates, logic } = parseFilter(filter);
  const params: Record<string, SqlValue> = {};
  const conditions = predicates.map(({ field, operator, value }, index) => {
    // Own fields only: `constructor` is no field of a record.
    const known = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (!known) throw badFilter(`"${field}" is not a field that can be filtered on here`);
    if (!valueChecks[known.kind](value)) throw badFilter(`"${value}" is not a ${known.kind} value for ${field}`);
    const name = `f${index}`;
    if (operator === '~') {
      params[name] = `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return `CAST(${known.sql} AS text) ILIKE :${name}`;
    }
    params[name] = value;
    const op = operator === '!=' ? 'IS DISTINCT FROM' : operator;
    return `${known.sql} ${op} CAST(:${name} AS ${castOf[known.kind]})`;
  });
  return { sql: `(${conditions.join(` ${logic} `)})`, params };
}

/**
 * The ORDER BY of a list: the sort field, then the id so pages never overlap. Ids are ordered by
 * their bytes (`COLLATE "C"`): an id has no language, and a byte order sorts a school's 180,000
 * results several times faster than a language's collation would.
 */
export function orderSql(query: Pick<ListQuery, 'sort' | 'orderBy'>, fields: QueryableFields): string {
  const direction = query.orderBy === 'desc' ? 'DESC' : 'ASC';
  const id = `${fields.sourcedId!.sql} COLLATE "C"`;
  if (query.sort === undefined || query.sort === '') return `${id} ${direction}`;
  const known = Object.hasOwn(fields, query.sort) ? fields[query.sort] : undefined;
  // OneRoster 1.2 has no code of its own for a sort field it does not know (1.1's invalid_sort_field is gone).
  if (!known) {
    throw oneRosterRefusal(400, 'invaliddata', `"${query.sort}" is not a field a list can be sorted on here.`);
  }
  return `${known.sql} ${direction} NULLS LAST, ${id} ${direction}`;
}

/**
 * The fields a caller asked for (`fields=sourcedId,givenName`), checked against the record type's;
 * undefined for all of them.
 */
export function selectedFields(fields: string | undefined, known: readonly string[]): readonly string[] | undefined {
  if (fields === undefined || fields.trim() === '') return undefined;
  const asked = fields.split(',').map((field) => field.trim());
  const unknown = asked.filter((field) => !known.includes(field));
  if (unknown.length) {
    throw oneRosterRefusal(400, 'invalid_selection_field', `Not fields of these records: ${unknown.join(', ')}.`);
  }
  return asked;
}

/** A record with only the fields asked for (all when none were). */
export function pick(record: Record<string, unknown>, fields: readonly string[] | undefined): Record<string, unknown> {
  if (!fields) return record;
  return Object.fromEntries(fields.filter((field) => field in record).map((field) => [field, record[field]]));
}

/**
 * The paging headers of a list: `X-Total-Count` and a `Link` with first, prev, next and last
 * (RFC 8288), each the same request with another offset.
 */
export function pagingHeaders(
  path: string,
  rawQuery: string | undefined,
  query: Pick<ListQuery, 'limit' | 'offset'>,
  total: number,
): Record<string, string> {
  const at = (offset: number) => {
    const params = new URLSearchParams(rawQuery ?? '');
    params.set('limit', String(query.limit));
    params.set('offset', String(offset));
    return `<${path}?${params.toString()}>`;
  };
  const last = Math.max(0, Math.floor((total - 1) / query.limit) * query.limit);
  const links = [`${at(0)}; rel="first"`];
  if (query.offset > 0) links.push(`${at(Math.max(0, query.offset - query.limit))}; rel="prev"`);
  if (query.offset + query.limit < total) links.push(`${at(query.offset + query.limit)}; rel="next"`);
  links.push(`${at(last)}; rel="last"`);
  return { 'x-total-count': String(total), link: links.join(', ') };
}
