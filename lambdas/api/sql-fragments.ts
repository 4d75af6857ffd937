import { invalid } from '../shared/http';

/** SQL pieces several domains share. Only constant text goes in here; values are always parameters. */

/** Escapes LIKE's wildcards so user text matches literally (backslash is PostgreSQL's default escape). */
export function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Opaque cursor for keyset pagination: the sort values of the last row returned. */
export const cursor = {
  encode: (values: readonly (string | number)[]): string => Buffer.from(JSON.stringify(values)).toString('base64url'),
  decode: (text: string, length: number): (string | number)[] | undefined => {
    try {
      const values = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
      return Array.isArray(values) && values.length === length ? (values as (string | number)[]) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** The sort values a list's cursor carries; a cursor this list did not give out is a 400 on `query.cursor`. */
export function cursorValues(text: string, length: number): (string | number)[] {
  const values = cursor.decode(text, length);
  if (!values) throw invalid([{ path: 'query.cursor', message: 'is not a cursor this list gave out' }]);
  return values;
}

/**
 * A page of a keyset-paged list, from rows fetched with `LIMIT limit + 1`: the first
 * `limit` rows, and a cursor after the last of them when the extra row shows there are more.
 */
export function keysetPage<T>(
  rows: readonly T[],
  limit: number,
  sortValuesOf: (last: T) => readonly (string | number)[],
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursor.encode(sortValuesOf(last)) : null };
}

/**
 * A query whose answer has one tuple per input row (a CSV file of up to 20,000), packed as
 * JSON arrays of `perRow` tuples a row so that it stays inside the Data API's 64 KB row and
 * 1 MiB response limits. `source` must have an integer column `n`, which orders the tuples;
 * the result's column is `part`, read back with `unpackTuples`.
 */
export function packedTuples(source: string, tuple: readonly string[], perRow = 500): string {
  return `SELECT json_agg(json_build_array(${tuple.join(', ')}) ORDER BY n)::text AS part
            FROM (${source}) packed GROUP BY n / ${perRow}`;
}

/** The tuples of a `packedTuples` answer, in order. */
export function unpackTuples<T extends unknown[]>(rows: readonly { part: string | null }[]): T[] {
  return rows.flatMap((row) => (row.part ? (JSON.parse(row.part) as T[]) : []));
}

/**
 * SQL (boolean): whether the student `student` (an SQL expression of their id) is a child of the
 * guardian signed in as `guardianSub` (an SQL expression, usually a parameter). Every guardian's
 * read and write of a child's record asks this, and only this.
 */
export const guardiansChildSql = (student: string, guardianSub: string): string =>
  `EXISTS (SELECT 1 FROM student_guardians gc_sg JOIN guardians gc_g ON gc_g.id = gc_sg.guardian_id
            WHERE gc_sg.student_id = ${student} AND gc_g.user_sub = ${guardianSub})`;

/** SQL (boolean): as `guardiansChildSql`, or true when `guardianSub` is null (the caller is staff, checked by the route's roles). */
export const guardiansChildOrStaffSql = (student: string, guardianSub: string): string =>
  `(CAST(${guardianSub} AS text) IS NULL OR ${guardiansChildSql(student, guardianSub)})`;

/** SQL: a timestamptz column as the API's ISO 8601 text in UTC, with milliseconds. */
export const isoTimestampSql = (column: string): string =>
  `to_char((${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
