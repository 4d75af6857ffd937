import { type DataApiSession, jsonColumn, type SqlValue } from '../../shared/data-api';
import { type ApiEvent, reply } from '../api-handler';
import type { SchoolRequest } from '../school-handler';
import {
  filterSql,
  type ListQuery,
  oneRosterRefusal,
  orderSql,
  pagingHeaders,
  pick,
  selectedFields,
} from './list-query';
import type { RecordType } from './roster-records';

/**
 * Lists and single records of a record type, as OneRoster's endpoints answer them: one round trip
 * for a page (its records, the total and whether the records it is under exist).
 */

/** A record the listed ones are under (`/classes/{id}/students`: the class): it must exist, or 404. */
export interface Parent {
  readonly type: RecordType;
  /** Its id, from the path. */
  readonly id: string;
  /** What else it must be (SQL over alias `pv`): `/students/{id}` names a student, not any user. */
  readonly where?: string;
  /** How the spec names it in an answer: `class`, `student`. */
  readonly what: string;
}

/** Which records of a type an endpoint lists: SQL over alias `v`, with parameters `parent0`…. */
export interface Selection {
  readonly type: RecordType;
  readonly where?: string;
  readonly parents?: readonly Parent[];
}

/** The school's own parameters every record type's SQL reads. */
export interface SchoolIdentity {
  readonly schoolId: string;
  readonly schoolSlug: string;
}

const unknownObject = (what: string, id: string) =>
  oneRosterRefusal(404, 'unknownobject', `Unknown Object: no ${what} ${JSON.stringify(id)}.`);

function parentParams(parents: readonly Parent[]): Record<string, SqlValue> {
  return Object.fromEntries(parents.map((parent, index) => [`parent${index}`, parent.id]));
}

const parentCheckSql = (parent: Parent, index: number) =>
  `EXISTS (SELECT 1 FROM (${parent.type.rows}) pv WHERE pv."sourcedId" = :parent${index}${parent.where ? ` AND ${parent.where}` : ''})`;

/** A page of records: their JSON under `key`, with X-Total-Count and Link. */
export async function listRecords(
  db: DataApiSession,
  school: SchoolIdentity,
  selection: Selection,
  key: string,
  query: ListQuery,
  event: ApiEvent,
) {
  const { type } = selection;
  const parents = selection.parents ?? [];
  const filter = filterSql(query.filter, type.fields);
  const order = orderSql(query, type.fields);
  const fields = selectedFields(query.fields, type.names);
  const where = `${selection.where ?? 'true'} AND ${filter.sql}`;
  const params = {
    ...school,
    ...parentParams(parents),
    ...filter.params,
    limit: query.limit,
    offset: query.offset,
  };
  const rows = await db.query<{ parentsFound: string; total: number | null; record: string | null }>(
    // Inlined into the page and the count, so each is planned on its own (the page can stop at its limit).
    `WITH v AS NOT MATERIALIZED (${type.rows}),
     page AS (
       SELECT v.*, row_number() OVER (ORDER BY ${order}) AS position
         FROM v WHERE ${where} ORDER BY ${order} LIMIT :limit OFFSET :offset),
     total AS (SELECT count(*) AS total_count FROM v WHERE ${where})
     SELECT concat(${parents.length ? parents.map((parent, index) => `${parentCheckSql(parent, index)}::int`).join(', ') : "''"}) AS "parentsFound",
            total.total_count::int AS total,
            CASE WHEN p."sourcedId" IS NOT NULL THEN (${type.record})::text END AS record
       FROM total LEFT JOIN page p ON true ORDER BY p.position`,
    params,
  );
  // One digit per parent, 1 when it exists.
  const missing = parents.find((_, index) => rows[0]!.parentsFound[index] !== '1');
  if (missing) throw unknownObject(missing.what, missing.id);
  const records = rows.filter((row) => row.record !== null).map((row) => pick(jsonColumn(row.record!), fields));
  const total = rows[0]!.total ?? 0;
  return reply(200, { [key]: records }, pagingHeaders(event.rawPath, event.rawQueryString, query, total));
}

/** One record by its id (404 `unknownobject` when there is none), its JSON under `key`. */
export async function oneRecord(
  db: DataApiSession,
  school: SchoolIdentity,
  selection: Selection & { readonly what: string },
  id: string,
  key: string,
  query: { fields?: string | undefined },
) {
  const { type } = selection;
  const fields = selectedFields(query.fields, type.names);
  const [row] = await db.query<{ record: string }>(
    `WITH v AS (${type.rows})
     SELECT (${type.record})::text AS record
       FROM (SELECT * FROM v WHERE v."sourcedId" = :id AND ${selection.where ?? 'true'}) p`,
    { ...school, id },
  );
  if (!row) throw unknownObject(selection.what, id);
  return { [key]: pick(jsonColumn(row.record), fields) };
}

/** The records of the calling integration's school: its id is the org's, its slug the org's identifier. */
const identityOf = ({ principal, school }: SchoolRequest): SchoolIdentity => ({
  schoolId: principal.schoolId,
  schoolSlug: school.slug,
});

type PathIds = Record<string, string>;

/** A list endpoint's implementation: the selection its path parameters make, its records under `key`. */
export const lister =
  (key: string, selection: (params: PathIds) => Selection) =>
  async (request: SchoolRequest & { params: unknown; query: ListQuery }) =>
    listRecords(
      request.db,
      identityOf(request),
      selection((request.params ?? {}) as PathIds),
      key,
      request.query,
      request.event,
    );

/** A single-record endpoint's implementation: the record its path parameter `param` names, under `key`. */
export const getter =
  (key: string, param: string, selection: Selection & { what: string }) =>
  async (request: SchoolRequest & { params: unknown; query: { fields?: string | undefined } }) =>
    oneRecord(request.db, identityOf(request), selection, (request.params as PathIds)[param]!, key, request.query);

/** A record by id for an answer of a write (`PUT /results/{id}`): all its fields. */
export const recordFor = (request: SchoolRequest, selection: Selection & { what: string }, id: string, key: string) =>
  oneRecord(request.db, identityOf(request), selection, id, key, {});
