import { type DataApiSession, jsonColumn, typed } from '../shared/data-api';

/** One part of what the school holds about a student and their guardians: a file of the export. */
export interface RecordPart {
  /** The file's name without extension: `attendance`, `grades`… */
  readonly name: string;
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * Each part's rows as JSON objects, in a stable order (the query's last ORDER BY column is
 * unique), for the student `:studentId` and their guardians (`:guardianIds`). Staff are named,
 * not identified: their sign-in ids stay out of a family's copy.
 */
const partQueries: readonly { name: string; sql: string }[] = [
  {
    name: 'student',
    sql: `SELECT s.id, s.admission_no, s.given_name, s.family_name, s.date_of_birth, c.name AS class, s.status,
                 s.enrolled_on, s.withdrawn_on, s.created_at, s.updated_at
            FROM students s LEFT JOIN classes c ON c.id = s.class_id WHERE s.id = :studentId ORDER BY s.id`,
  },
  {
    name: 'guardians',
    sql: `SELECT g.id, g.name, g.email, g.phone, sg.relationship, g.user_sub IS NOT NULL AS signs_in, g.created_at
            FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
           WHERE sg.student_id = :studentId ORDER BY g.id`,
  },
  {
    name: 'enrolments',
    sql: `SELECT y.name AS academic_year, y.starts_on, y.ends_on, c.name AS class
            FROM enrolments e JOIN academic_years y ON y.id = e.academic_year_id JOIN classes c ON c.id = e.class_id
           WHERE e.student_id = :studentId ORDER BY y.starts_on, y.id`,
  },
  {
    name: 'attendance',
    sql: `SELECT a.on_date AS date, a.status, c.name AS class, a.note, coalesce(st.name, 'School staff') AS marked_by,
                 a.marked_at
            FROM attendance a JOIN classes c ON c.id = a.class_id LEFT JOIN staff st ON st.user_sub = a.marked_by
           WHERE a.student_id = :studentId ORDER BY a.on_date`,
  },
  {
    name: 'grades',
    sql: `SELECT y.name AS academic_year, t.name AS term, sub.name AS subject, a.name AS assessment, a.held_on,
                 sc.score, a.max_score, a.weight, coalesce(st.name, 'School staff') AS entered_by, sc.entered_at,
                 a.id AS assessment_id
            FROM scores sc
            JOIN assessments a ON a.id = sc.assessment_id
            JOIN terms t ON t.id = a.term_id
            JOIN academic_years y ON y.id = t.academic_year_id
            JOIN subjects sub ON sub.id = a.subject_id
            LEFT JOIN staff st ON st.user_sub = sc.entered_by
           WHERE sc.student_id = :studentId ORDER BY y.starts_on, t.starts_on, sub.name, a.name, a.id`,
  },
  {
    name: 'invoices',
    sql: `SELECT i.id, f.name AS fee, f.category, t.name AS term, i.amount_minor, i.issued_on, i.due_on
            FROM invoices i JOIN fee_structures f ON f.id = i.fee_structure_id JOIN terms t ON t.id = f.term_id
           WHERE i.student_id = :studentId ORDER BY i.issued_on, i.id`,
  },
  {
    name: 'payments',
    sql: `SELECT p.receipt_no, p.invoice_id, p.amount_minor, p.method, p.paid_on,
                 coalesce(st.name, 'School staff') AS recorded_by, p.recorded_at
            FROM payments p LEFT JOIN staff st ON st.user_sub = p.recorded_by
           WHERE p.student_id = :studentId ORDER BY p.paid_on, p.receipt_no`,
  },
  {
    name: 'analytics',
    sql: `SELECT sa.model_version, sa.setup, sa.risk, sa.drivers, sa.anomalies, sa.percentiles, sa.careers,
                 sa.data_as_of, sa.scored_at
            FROM student_analytics sa WHERE sa.student_id = :studentId ORDER BY sa.scored_at`,
  },
  {
    name: 'predictions',
    sql: `SELECT y.name AS academic_year, rp.setup, rp.inputs, rp.risk, rp.model_version, rp.data_as_of
            FROM risk_predictions rp JOIN academic_years y ON y.id = rp.academic_year_id
           WHERE rp.student_id = :studentId ORDER BY y.starts_on, rp.setup`,
  },
  {
    name: 'notifications',
    sql: `SELECT m.id, g.name AS recipient, m.channel, m.address, m.locale, m.subject, m.body, m.status, m.reason,
                 m.queued_at, m.sent_at, m.read_at
            FROM notification_messages m JOIN guardians g ON g.id = m.recipient_id AND m.recipient_kind = 'guardian'
           WHERE m.recipient_id = ANY (CAST(:guardianIds AS uuid[])) ORDER BY m.queued_at, m.id`,
  },
  {
    name: 'notification-preferences',
    sql: `SELECT g.name AS guardian, p.locale, p.channels, p.updated_at
            FROM notification_preferences p JOIN guardians g ON g.id = p.person_id
           WHERE p.person_kind = 'guardian' AND p.person_id = ANY (CAST(:guardianIds AS uuid[])) ORDER BY p.person_id`,
  },
  {
    name: 'browser-notifications',
    sql: `SELECT g.name AS guardian, ps.device, split_part(ps.endpoint, '/', 3) AS push_service, ps.created_at,
                 ps.last_sent_at, ps.id
            FROM push_subscriptions ps JOIN guardians g ON g.id = ps.person_id
           WHERE ps.person_kind = 'guardian' AND ps.person_id = ANY (CAST(:guardianIds AS uuid[]))
           ORDER BY ps.created_at, ps.id`,
  },
  {
    name: 'consents',
    sql: `SELECT c.purpose, c.status, g.name AS guardian, c.method, c.note,
                 coalesce(st.name, rg.name, 'School staff') AS recorded_by, c.recorded_at, c.id
            FROM consents c LEFT JOIN guardians g ON g.id = c.guardian_id
            LEFT JOIN staff st ON st.user_sub = c.recorded_by
            LEFT JOIN guardians rg ON rg.user_sub = c.recorded_by AND st.id IS NULL
           WHERE c.student_id = :studentId ORDER BY c.recorded_at, c.id`,
  },
  {
    name: 'access-log',
    sql: `SELECT l.at, l.part, coalesce(st.name, g.name, 'Someone no longer at the school') AS who,
                 coalesce(st.role, CASE WHEN g.id IS NOT NULL THEN 'guardian' END, 'other') AS role, l.id
            FROM access_log l LEFT JOIN staff st ON st.user_sub = l.actor
            LEFT JOIN guardians g ON g.user_sub = l.actor AND st.id IS NULL
           WHERE l.student_id = :studentId ORDER BY l.id`,
  },
  {
    name: 'privacy-requests',
    sql: `SELECT r.kind, r.status, r.requested_as, r.requested_at, r.due_on, r.finished_at, r.downloaded_at, r.id
            FROM privacy_requests r WHERE r.student_id = :studentId ORDER BY r.requested_at, r.id`,
  },
];

/** Rows per Data API call: a page of the widest part stays well inside the 1 MiB response limit. */
const pageSize = 500;
/** Audit entries per call: an entry may carry a whole class's rows before they are cut to the person's. */
const auditPageSize = 100;

async function pagedRows(
  db: DataApiSession,
  sql: string,
  params: Record<string, ReturnType<typeof typed.uuid> | string | null>,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await db.query<{ row: string }>(
      `SELECT row_to_json(exported_row)::text AS row FROM (${sql} LIMIT ${pageSize} OFFSET ${offset}) exported_row`,
      params,
    );
    rows.push(...page.map((r) => JSON.parse(r.row) as Record<string, unknown>));
    if (page.length < pageSize) return rows;
  }
}

/** jsonpath: whether a row (an object) has a field equal to one of the people's ids (`$ids`). */
const mentionsThem = '(@.* == $ids[*])';

/**
 * SQL: the part of an audit entry's rows `value` (a row, an array of rows, or rows by part)
 * about the people in `:people` (a jsonb `{ids: [...]}`: their ids, and their pseudonyms to find
 * their sealed rows, which are opened after the cut), or null: an entry of a class's register
 * keeps this student's mark, not the class's. Cut in the database, so an entry of a whole
 * import never travels (a row of the Data API's answer holds at most 64 KB).
 */
export const rowsAboutSql = (value: string): string => `CASE
    WHEN jsonb_typeof(${value}) = 'array'
      THEN nullif(jsonb_path_query_array(${value}, '$[*] ? ${mentionsThem}', :people), '[]')
    WHEN jsonb_typeof(${value}) <> 'object' THEN NULL
    WHEN jsonb_path_exists(${value}, '$ ? ${mentionsThem}', :people) THEN ${value}
    WHEN NOT jsonb_path_exists(${value}, 'strict $.* ? (@.type() != "array")')
      THEN (SELECT jsonb_object_agg(part.key, part.kept)
              FROM (SELECT e.key, jsonb_path_query_array(e.value, '$[*] ? ${mentionsThem}', :people) AS kept
                      FROM jsonb_each(${value}) e) part
             WHERE part.kept <> '[]')
  END`;

/** Sign-in ids in a row replaced by the person's name (`names`): the rows stay readable and identify no account. */
function named(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => named(item, names));
  if (typeof value === 'string') return names.get(value) ?? value;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, named(item, names)]));
}

/** The audit entries about the student or a guardian, each cut to the rows about them (`rowsAboutSql`), sign-ins as names. */
async function auditEntriesAbout(db: DataApiSession, ids: readonly string[]): Promise<Record<string, unknown>[]> {
  const signIns = await db.query<{ sub: string; name: string }>(
    `SELECT user_sub AS sub, name FROM staff WHERE user_sub IS NOT NULL
     UNION ALL
     SELECT user_sub, name FROM guardians WHERE user_sub IS NOT NULL AND id = ANY (CAST(:ids AS uuid[]))`,
    { ids: `{${ids.join(',')}}` },
  );
  const names = new Map(signIns.map((person) => [person.sub, person.name]));
  // Their pseudonyms too: a sealed row names its person by pseudonym, so the rows about them are cut
  // before any is opened, and other people's rows (a class's register) are never decrypted.
  const [keys] = await db.query<{ pseudonyms: string }>(
    `SELECT coalesce(json_agg(pseudonym), '[]')::text AS pseudonyms FROM person_keys WHERE person_id = ANY (CAST(:ids AS uuid[]))`,
    { ids: `{${ids.join(',')}}` },
  );
  const people = [...ids, ...jsonColumn<string[]>(keys!.pseudonyms)];
  const entries: Record<string, unknown>[] = [];
  for (let after = 0; ;) {
    const page = await db.query<{ id: number; row: string }>(
      `SELECT a.id::int AS id, json_build_object(
                'at', a.at, 'by', coalesce(st.name, g.name, 'The school''s systems'),
                'action', a.action, 'entity', a.entity, 'entity_id', audit_identified_id(a.entity_id),
                'before', audit_unseal(${rowsAboutSql('a.before')}), 'after', audit_unseal(${rowsAboutSql('a.after')}),
                'id', a.id)::text AS row
         FROM audit_log a
         LEFT JOIN staff st ON st.user_sub = a.actor
         LEFT JOIN guardians g ON g.user_sub = a.actor AND st.id IS NULL
        WHERE a.subjects && audit_pseudonyms(CAST(:ids AS uuid[])) AND a.id > :after
        ORDER BY a.id LIMIT ${auditPageSize}`,
      { ids: `{${ids.join(',')}}`, after, people: typed.json({ ids: people }) },
    );
    for (const { row } of page) {
      const entry = JSON.parse(row) as Record<string, unknown>;
      entries.push({
        ...entry,
        before: named(entry.before, names),
        after: named(entry.after, names),
      });
    }
    if (page.length < auditPageSize) return entries;
    after = page.at(-1)!.id;
  }
}

/** Everything the school's database holds about the student and their guardians, part by part. */
export async function readStudentRecords(db: DataApiSession, studentId: string): Promise<RecordPart[]> {
  const guardians = await db.query<{ id: string }>(
    `SELECT guardian_id AS id FROM student_guardians WHERE student_id = :studentId ORDER BY guardian_id`,
    { studentId: typed.uuid(studentId) },
  );
  const guardianIds = `{${guardians.map((g) => g.id).join(',')}}`;
  const parts: RecordPart[] = [];
  for (const part of partQueries) {
    parts.push({
      name: part.name,
      rows: await pagedRows(db, part.sql, { studentId: typed.uuid(studentId), guardianIds }),
    });
  }
  parts.push({ name: 'audit-log', rows: await auditEntriesAbout(db, [studentId, ...guardians.map((g) => g.id)]) });
  return parts;
}
