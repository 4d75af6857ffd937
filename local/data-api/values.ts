import pg from 'pg';
import { badRequest, DataApiError } from './errors';

/** A Data API `Field` (parameter value or record cell). */
export type Field =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { blobValue: string }
  | { arrayValue: ArrayValue };

export type ArrayValue =
  { stringValues: string[] } | { longValues: number[] } | { doubleValues: number[] } | { booleanValues: boolean[] };

export interface SqlParameter {
  name?: string;
  value?: Record<string, unknown>;
  typeHint?: string;
}

/** The casts the Data API applies for each type hint. */
const typeHintCasts: Record<string, string> = {
  DATE: 'date',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  DECIMAL: 'numeric',
  UUID: 'uuid',
  JSON: 'jsonb',
};

/** Turns the request's parameters into positional values, in the order the SQL names them. */
export function bindParameters(
  names: readonly string[],
  parameters: readonly SqlParameter[] = [],
): { values: unknown[]; casts: (string | undefined)[] } {
  const byName = new Map<string, SqlParameter>();
  for (const parameter of parameters) {
    if (!parameter.name) throw badRequest('Parameter name is required.');
    if (parameter.typeHint !== undefined && !(parameter.typeHint in typeHintCasts)) {
      throw badRequest(`Invalid type hint: ${parameter.typeHint}.`);
    }
    byName.set(parameter.name, parameter);
  }
  const values: unknown[] = [];
  const casts: (string | undefined)[] = [];
  for (const name of names) {
    const parameter = byName.get(name);
    if (!parameter) throw badRequest(`No value specified for parameter: ${name}`);
    values.push(parameterValue(parameter));
    casts.push(parameter.typeHint ? typeHintCasts[parameter.typeHint] : valueTypeCast(parameter));
  }
  return { values, casts };
}

/**
 * The Data API sends each value with its own type: a `stringValue` is a varchar, so it
 * does not silently become a uuid, date or jsonb without a type hint, on AWS or here.
 */
function valueTypeCast(parameter: SqlParameter): string | undefined {
  const kind = Object.entries(parameter.value ?? {}).find(([, v]) => v !== undefined)?.[0];
  const casts: Record<string, string> = {
    stringValue: 'varchar',
    longValue: 'int8',
    doubleValue: 'float8',
    booleanValue: 'bool',
    blobValue: 'bytea',
  };
  return kind ? casts[kind] : undefined;
}

function parameterValue(parameter: SqlParameter): unknown {
  const value = parameter.value ?? {};
  const [kind, raw] = Object.entries(value).find(([, v]) => v !== undefined) ?? ['isNull', true];
  switch (kind) {
    case 'isNull':
      return null;
    case 'stringValue':
    case 'booleanValue':
    case 'doubleValue':
      return raw;
    case 'longValue':
      return typeof raw === 'bigint' ? raw.toString() : raw;
    case 'blobValue':
      return Buffer.from(raw as string, 'base64');
    case 'arrayValue':
      throw badRequest('Array parameters are not supported.');
    default:
      throw badRequest(`Unsupported parameter value: ${kind}.`);
  }
}

// Column type OIDs of PostgreSQL's built-in types.
const oids = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  numeric: 1700,
  json: 114,
  jsonb: 3802,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

const arrayElement: Record<number, number> = {
  1000: oids.bool,
  1005: oids.int2,
  1007: oids.int4,
  1016: oids.int8,
  1021: oids.float4,
  1022: oids.float8,
  1231: oids.numeric,
  1009: 25,
  1015: 1043,
  2951: 2950,
  1182: oids.date,
  1185: oids.timestamptz,
};

/** Type name and JDBC type code, as `columnMetadata` reports them. */
export function columnType(oid: number): { typeName: string; type: number } {
  const known: Record<number, [string, number]> = {
    [oids.bool]: ['bool', -7],
    [oids.bytea]: ['bytea', -2],
    [oids.int2]: ['int2', 5],
    [oids.int4]: ['int4', 4],
    [oids.int8]: ['int8', -5],
    [oids.float4]: ['float4', 7],
    [oids.float8]: ['float8', 8],
    [oids.numeric]: ['numeric', 2],
    [oids.date]: ['date', 91],
    [oids.time]: ['time', 92],
    [oids.timestamp]: ['timestamp', 93],
    [oids.timestamptz]: ['timestamptz', 93],
    [oids.json]: ['json', 1111],
    [oids.jsonb]: ['jsonb', 1111],
    2950: ['uuid', 1111],
    25: ['text', 12],
    1043: ['varchar', 12],
    1042: ['bpchar', 1],
  };
  const [typeName, type] = known[oid] ?? (arrayElement[oid] ? ['_array', 2003] : ['unknown', 1111]);
  return { typeName, type };
}

/** PostgreSQL text output → the value the Data API returns, in its JSON-records form. */
function scalar(oid: number, text: string): string | number | boolean {
  switch (oid) {
    case oids.bool:
      return text === 't';
    case oids.int2:
    case oids.int4:
    case oids.int8:
    case oids.oid:
      return Number(text);
    case oids.float4:
    case oids.float8:
      return Number(text);
    case oids.bytea:
      return Buffer.from(text.replace(/^\\x/, ''), 'hex').toString('base64');
    case oids.timestamptz:
      // Sessions run in UTC; the Data API drops the offset.
      return text.replace(/\+00$/, '');
    default:
      // numeric, text, date, time, timestamp, uuid, json(b) and the rest stay strings.
      return text;
  }
}

const parseTextArray = pg.types.getTypeParser(1009 as never) as (text: string) => (string | null)[];

/** One cell as a `Field` (records form). */
export function toField(oid: number, text: string | null): Field {
  if (text === null) return { isNull: true };
  const element = arrayElement[oid];
  if (element !== undefined) {
    const items = parseTextArray(text).map((item) => (item === null ? null : scalar(element, item)));
    if (items.some((item) => item === null))
      throw new DataApiError('UnsupportedResultException', 'Arrays with nulls are not supported.');
    const first = items.find((item) => item !== null);
    if (typeof first === 'boolean') return { arrayValue: { booleanValues: items as boolean[] } };
    if (typeof first === 'number') {
      const key = element === oids.float4 || element === oids.float8 ? 'doubleValues' : 'longValues';
      return { arrayValue: { [key]: items as number[] } as ArrayValue };
    }
    return { arrayValue: { stringValues: items as string[] } };
  }
  const value = scalar(oid, text);
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number')
    return oid === oids.float4 || oid === oids.float8 ? { doubleValue: value } : { longValue: value };
  if (oid === oids.bytea) return { blobValue: value };
  return { stringValue: value };
}

/** One cell in `formatRecordsAs: 'JSON'` form. */
export function toJsonValue(oid: number, text: string | null): unknown {
  if (text === null) return null;
  const element = arrayElement[oid];
  if (element !== undefined) return parseTextArray(text).map((item) => (item === null ? null : scalar(element, item)));
  return scalar(oid, text);
}
