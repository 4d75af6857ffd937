/**
 * The one way a write of school data records itself in the school's append-only audit log:
 * as a CTE of the write's own statement (nothing half-written, one round trip), one entry per
 * write, of one shape:
 *
 *   who        `actor`: the caller's user id from the verified token (or the workflow's name)
 *   when       `at`, and `request_id`: the API request (or invocation) that made it
 *   what       `action` on `entity` (`entity_id` when the write is about one thing)
 *   about whom `subjects`: the students, guardians and staff whose rows it changed (by pseudonym),
 *              so a person's entries can be found (and, for erasure, unlinked) without reading them
 *   how        `before` and `after`: the rows as they were and as they are: a row (a write of
 *              one), an array of rows (a write of many), or, for a write of several tables (an
 *              import), an object of arrays by part; null where there were none
 *
 * Pseudonymous: the people are written as their pseudonyms (in `subjects` and `entity_id`), and each
 * recorded row about one of them is sealed with that person's own key (migration 17), so erasing
 * the person deletes the key and leaves their entries unreadable and leading nowhere, without
 * rewriting the log (crypto-shredding). Readers read `audit_entries`, or its functions.
 *
 * Who and which request come from the session's audit identity (`DataApiSession.auditIdentity`),
 * never from the domain code: the statement reads them as `:auditActor` and `:auditRequest`.
 */

/** Rows of one table a write changed, as CTEs of its statement. */
export interface AuditedRows {
  /** The CTE holding the rows as they were (a SELECT before the write, or a DELETE's RETURNING *). */
  readonly before?: string;
  /** The CTE holding the rows as they are (an INSERT or UPDATE's RETURNING *). */
  readonly after?: string;
  /** Columns that identify a row, to keep in `before` only the rows the write changed. @default ['id'] */
  readonly key?: readonly string[];
  /**
   * Columns holding a person's id (`student_id`, `guardian_id`, or `id` of a person's own row), or
   * a JSON path to one (`scope->>'studentId'`). A row is sealed with the key of the first of its
   * `student_id`, `guardian_id`, `person_id`, `recipient_id`, `id` or `scope.studentId` that
   * names one of these people.
   */
  readonly people?: readonly string[];
}

/** What one audited write records. SQL fragments are constants of the code, never input. */
export interface AuditedWrite extends AuditedRows {
  /** What was done: `create`, `update`, `delete`, `mark`, `withdraw`, `invite`… */
  readonly action: string;
  /** What it was done to: `student`, `attendance`, `fee-structure`… */
  readonly entity: string;
  /** `one`: the write is about one row, recorded as itself; `many`: rows recorded as arrays. */
  readonly rows: 'one' | 'many';
  /** SQL (text) naming what the entry is about. @default for `one`, the row's `id`; for `many`, none */
  readonly entityId?: string;
  /** A write of several tables: each part's rows by the part's name (instead of before/after here). */
  readonly parts?: Readonly<Record<string, AuditedRows>>;
  /** The CTEs that change rows: the entry is written only if one of them did. @default every `after`, else `before` */
  readonly changes?: readonly string[];
}

const name = /^[a-z][a-z-]*$/;

function rowsJson(cte: string, rows: 'one' | 'many', keep: string): string {
  return rows === 'one'
    ? `(SELECT to_jsonb(r) FROM ${cte} r WHERE ${keep} LIMIT 1)`
    : `(SELECT jsonb_agg(to_jsonb(r)) FROM ${cte} r WHERE ${keep})`;
}

/**
 * The rows as they were, of those the write changed (an upsert's `before` reads unchanged rows
 * too): their keys are looked up in one object of the changed rows' keys, made once, so that a
 * write of 20,000 rows does not compare each with each whatever plan the CTEs' estimates lead to.
 */
function changedBefore(part: AuditedRows): string {
  if (!part.after) return 'TRUE';
  const key = (alias: string) =>
    `concat_ws('/', ${(part.key ?? ['id']).map((column) => `${alias}.${column}`).join(', ')})`;
  return `(SELECT jsonb_object_agg(${key('a')}, true) FROM ${part.after} a) ? ${key('r')}`;
}

function side(write: AuditedWrite, parts: [string, AuditedRows][], which: 'before' | 'after'): string {
  const json = (part: AuditedRows, rows: 'one' | 'many') => {
    const cte = part[which];
    if (!cte) return 'NULL';
    return rowsJson(cte, rows, which === 'before' ? changedBefore(part) : 'TRUE');
  };
  if (!write.parts) return json(write, write.rows);
  const present = parts.filter(([, part]) => part[which]);
  if (!present.length) return 'NULL';
  return `jsonb_strip_nulls(jsonb_build_object(${present.map(([label, part]) => `'${label}', ${json(part, 'many')}`).join(', ')}))`;
}

/**
 * The audit CTE of a write, named `audited`: write it last in the statement's WITH list, after
 * the CTEs it names. It inserts one entry, and only if the write changed a row.
 */
export function auditEntry(write: AuditedWrite): string {
  if (!name.test(write.action) || !name.test(write.entity)) {
    throw new Error(`Audit action and entity are lower-case names: ${write.action}, ${write.entity}.`);
  }
  const parts: [string, AuditedRows][] = write.parts ? Object.entries(write.parts) : [['', write]];
  if (parts.some(([, part]) => !part.before && !part.after)) {
    throw new Error(`The audit of ${write.entity} names a part with no rows.`);
  }
  const changes = write.changes ?? parts.map(([, part]) => part.after ?? part.before!);
  const first = parts[0]![1];
  const entityId =
    write.entityId ??
    (write.rows === 'one' ? `(SELECT r.id::text FROM ${first.after ?? first.before!} r LIMIT 1)` : 'NULL');
  // The people of the rows recorded: those changed, as they were and as they are.
  const people = parts.flatMap(([, part]) =>
    (part.people ?? []).flatMap((column) => [
      ...(part.before ? [`SELECT (r.${column})::uuid AS p FROM ${part.before} r WHERE ${changedBefore(part)}`] : []),
      ...(part.after ? [`SELECT (r.${column})::uuid AS p FROM ${part.after} r`] : []),
    ]),
  );
  const subjects = people.length
    ? `(SELECT coalesce(array_agg(DISTINCT p) FILTER (WHERE p IS NOT NULL), '{}') FROM (${people.join(' UNION ALL ')}) people)`
    : `'{}'::uuid[]`;
  const shape = write.parts ? 'parts' : write.rows === 'one' ? 'row' : 'rows';
  // The people's keys are made (or read) only when the entry is written: see sealing above.
  return `audited AS (
    INSERT INTO audit_log (actor, request_id, action, entity, entity_id, subjects, before, after)
    SELECT :auditActor, :auditRequest, '${write.action}', '${write.entity}',
           audit_pseudonymous_id(${entityId}, people.keys), audit_pseudonymous_subjects(people.ids, people.keys),
           audit_seal(${side(write, parts, 'before')}, people.keys, '${shape}'),
           audit_seal(${side(write, parts, 'after')}, people.keys, '${shape}')
      FROM (SELECT s.ids, audit_keys(s.ids) AS keys
              FROM (SELECT ${subjects} AS ids
                     WHERE ${changes.map((cte) => `EXISTS (SELECT 1 FROM ${cte})`).join(' OR ')}) s) people)`;
}
