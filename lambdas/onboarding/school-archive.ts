import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { restoringSetting } from '../../layers/migrations';
import { type DataApiSession, typed } from '../shared/data-api';

/** One table of a school's archive: its CSV file, row count and checksum. */
export interface ArchivedTable {
  readonly table: string;
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: number;
  /** SHA-256 of the CSV file, hex. */
  readonly sha256: string;
}

/** The archive's `manifest.json`: what was exported, from which school, and how to check it. */
export interface ArchiveManifest {
  readonly format: 'campus-school-archive/1';
  readonly schoolId: string;
  readonly slug: string;
  readonly name: string;
  readonly schemaVersion: number;
  readonly exportedAt: string;
  /** In the order they can be loaded again (a table after those it refers to). */
  readonly tables: readonly ArchivedTable[];
}

/** Where archives are written and read: the exports bucket, through a narrow port. */
export interface ArchiveStore {
  put(key: string, body: string, contentType: string): Promise<void>;
  get(key: string): Promise<string>;
}

interface TableShape {
  readonly table: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly key: readonly string[];
  /** Identity columns, whose sequences must move past loaded values. */
  readonly identity: readonly string[] | null;
}

/** Written with the archive, but not loaded again: the database has its own, and its version must match. */
const migrationsTable = 'schema_migrations';

/** Rows per Data API call: well under its 1 MiB response limit for any table here. */
const pageRows = 2000;
/** Bytes of row text per page: with the Data API's JSON escaping, well inside its 1 MiB response. */
const pageBytes = 400_000;

const quoteIdent = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unexpected identifier ${name}.`);
  return `"${name}"`;
};

/**
 * The school database's tables, each with its columns and primary key, ordered so that
 * every table comes after the tables it refers to. One round trip.
 */
export async function tablesOf(db: DataApiSession): Promise<TableShape[]> {
  const [row] = await db.query<{ shapes: string }>(
    `WITH RECURSIVE tables AS (
       SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'),
     refs AS (
       SELECT DISTINCT conrelid AS child, confrelid AS parent FROM pg_constraint
        WHERE contype = 'f' AND conrelid <> confrelid),
     depth AS (
       SELECT oid, 0 AS level FROM tables
       UNION ALL
       SELECT refs.child, depth.level + 1 FROM depth JOIN refs ON refs.parent = depth.oid WHERE depth.level < 50),
     ordered AS (SELECT oid, max(level) AS level FROM depth GROUP BY oid)
     SELECT json_agg(json_build_object(
              'table', t.name,
              'columns', (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                            FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped),
              'key', (SELECT coalesce(json_agg(a.attname ORDER BY array_position(i.indkey, a.attnum)), '[]'::json)
                        FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                       WHERE i.indrelid = t.oid AND i.indisprimary),
              'identity', (SELECT json_agg(a.attname) FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attidentity <> ''))
            ORDER BY o.level, t.name)::text AS shapes
       FROM tables t JOIN ordered o ON o.oid = t.oid`,
  );
  return JSON.parse(row!.shapes) as TableShape[];
}

/** Text of one value as the archive writes it; JSON for json/jsonb columns. */
function cellOf(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'jsonb' || type === 'json') return JSON.stringify(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Writes every table of the school's database as CSV (header row, rows in primary-key
 * order, NULL as an empty unquoted field, every string quoted) and a manifest with each
 * table's row count and SHA-256. Reads each table a page at a time.
 */
export async function exportSchoolArchive(
  db: DataApiSession,
  store: ArchiveStore,
  prefix: string,
  school: Pick<ArchiveManifest, 'schoolId' | 'slug' | 'name' | 'schemaVersion'>,
): Promise<ArchiveManifest> {
  const tables: ArchivedTable[] = [];
  for (const shape of await tablesOf(db)) {
    const order = (shape.key.length ? shape.key : shape.columns.map((c) => c.name)).map(quoteIdent).join(', ');
    const records: (string | null)[][] = [];
    for (let offset = 0; ;) {
      // Up to pageRows rows, cut where they pass pageBytes (always at least one row).
      const page = await db.query<{ row: string; fetched: number }>(
        `WITH page AS (
           SELECT to_jsonb(t)::text AS row, row_number() OVER (ORDER BY ${order}) AS n
             FROM ${quoteIdent(shape.table)} t ORDER BY ${order} OFFSET :offset LIMIT :limit),
         sized AS (
           SELECT row, n, sum(octet_length(row)) OVER (ORDER BY n) AS upto, count(*) OVER () AS fetched FROM page)
         SELECT row, fetched::int AS fetched FROM sized WHERE upto <= :budget OR upto = octet_length(row) ORDER BY n`,
        { limit: pageRows, offset, budget: pageBytes },
      );
      for (const { row } of page) {
        const values = JSON.parse(row) as Record<string, unknown>;
        records.push(shape.columns.map((column) => cellOf(values[column.name], column.type)));
      }
      offset += page.length;
      if (page.length === 0 || (page[0]!.fetched < pageRows && page.length === page[0]!.fetched)) break;
    }
    const csv = stringify([shape.columns.map((c) => c.name), ...records], {
      quoted_string: true,
      cast: { string: (value) => ({ value, quote: true }) },
    });
    const file = `${shape.table}.csv`;
    await store.put(`${prefix}/${file}`, csv, 'text/csv; charset=utf-8');
    tables.push({
      table: shape.table,
      file,
      columns: shape.columns.map((c) => c.name),
      rows: records.length,
      sha256: createHash('sha256').update(csv).digest('hex'),
    });
  }
  const manifest: ArchiveManifest = {
    format: 'campus-school-archive/1',
    ...school,
    exportedAt: new Date().toISOString(),
    tables,
  };
  await store.put(`${prefix}/manifest.json`, JSON.stringify(manifest, null, 2), 'application/json');
  return manifest;
}

/**
 * SQL: a one-row table (keyed by `singleton`, such as the notification settings) may hold the
 * row its migration seeded; the archive's row takes its place. Other tables are empty here.
 */
function replacesSeededRow(shape: TableShape): string {
  if (shape.key.length !== 1 || shape.key[0] !== 'singleton') return '';
  const columns = shape.columns.filter((c) => c.name !== 'singleton').map((c) => quoteIdent(c.name));
  return `ON CONFLICT (singleton) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/**
 * Loads an archive into an empty school database of the same schema version: each file
 * checked against its checksum, the tables in the manifest's order, ids and generated
 * keys kept as they were, all in one transaction.
 */
export async function importSchoolArchive(
  db: DataApiSession,
  store: ArchiveStore,
  prefix: string,
): Promise<ArchiveManifest> {
  const manifest = JSON.parse(await store.get(`${prefix}/manifest.json`)) as ArchiveManifest;
  const shapes = new Map((await tablesOf(db)).map((shape) => [shape.table, shape]));
  const [{ version }] = (await db.query<{ version: number }>(
    `SELECT coalesce(max(version), 0) AS version FROM ${migrationsTable}`,
  )) as [{ version: number }];
  if (version !== manifest.schemaVersion) {
    throw new Error(`The archive is of schema ${manifest.schemaVersion}; this database is at ${version}.`);
  }
  await db.transaction(async () => {
    // The rows go in as the archive has them: the triggers that note change times and removals stand aside.
    await db.execute(`SELECT set_config('${restoringSetting}', 'on', true)`);
    for (const archived of manifest.tables.filter((t) => t.table !== migrationsTable)) {
      const csv = await store.get(`${prefix}/${archived.file}`);
      if (createHash('sha256').update(csv).digest('hex') !== archived.sha256) {
        throw new Error(`${archived.file} does not match its checksum in the manifest.`);
      }
      const shape = shapes.get(archived.table);
      if (!shape) throw new Error(`The database has no table ${archived.table}.`);
      const types = new Map(shape.columns.map((c) => [c.name, c.type]));
      const table = quoteIdent(archived.table);
      const [header, ...rows] = parse(csv, {
        cast: (value, context): string | null => (value === '' && !context.quoting ? null : value),
      }) as (string | null)[][];
      const objects = rows.map((row) =>
        Object.fromEntries(
          header!.map((column, i): [string, unknown] => {
            const value = row[i] ?? null;
            const type = types.get(column!);
            // JSON columns and arrays (`uuid[]`) were written as JSON; the rest as PostgreSQL's text.
            const json = type === 'jsonb' || type === 'json' || Boolean(type?.endsWith('[]'));
            return [column!, value !== null && json ? JSON.parse(value) : value];
          }),
        ),
      );
      // Batches of up to pageRows rows and about pageBytes each, well inside the 4 MiB request.
      for (let start = 0; start < objects.length;) {
        let end = start;
        let bytes = 0;
        while (end < objects.length && end - start < pageRows && (end === start || bytes < pageBytes)) {
          bytes += JSON.stringify(objects[end]).length;
          end += 1;
        }
        // The append-only audit log refuses updates and deletes, not inserts; identities keep their values.
        await db.execute(
          `INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM jsonb_populate_recordset(NULL::${table}, :rows::jsonb)
           ${replacesSeededRow(shape)}`,
          { rows: typed.json(objects.slice(start, end)) },
        );
        start = end;
      }
      for (const column of shape.identity ?? []) {
        await db.query(
          `SELECT setval(pg_get_serial_sequence(:table, :column), coalesce(max(${quoteIdent(column)}), 0) + 1, false) FROM ${table}`,
          { table: archived.table, column },
        );
      }
    }
  });
  return manifest;
}
