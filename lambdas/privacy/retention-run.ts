import { auditEntry } from '../shared/audit-entry';
import type { DataApiSession } from '../shared/data-api';
import { leftBySql, type RetentionKind, retentionKinds } from '../shared/retention-policy';

/** Leavers a statement at most: each statement stays well inside the Data API's 45 seconds. */
const leaversPerStatement = 200;

/** The leavers' guardians every one of whose children had left by the cutoff, as a CTE `families(guardian_id)`. */
const families = `families AS (
       SELECT sg.guardian_id FROM student_guardians sg JOIN leavers l ON l.id = sg.student_id
        WHERE NOT EXISTS (SELECT 1 FROM student_guardians other JOIN students c ON c.id = other.student_id
                           WHERE other.guardian_id = sg.guardian_id AND NOT ${leftBySql('c', ':cutoff::date')}))`;

/**
 * What each kind removes of the leavers in `leavers(id)`, as CTEs ending in `removed(person_id)`:
 * one row per record removed, naming whose it was.
 */
const removals: Readonly<Record<RetentionKind, { has: string; removes: string }>> = {
  attendance: {
    has: 'EXISTS (SELECT 1 FROM attendance x WHERE x.student_id = s.id)',
    removes: `removed AS (DELETE FROM attendance a USING leavers l WHERE a.student_id = l.id RETURNING a.student_id AS person_id)`,
  },
  grades: {
    has: 'EXISTS (SELECT 1 FROM scores x WHERE x.student_id = s.id)',
    removes: `removed AS (DELETE FROM scores sc USING leavers l WHERE sc.student_id = l.id RETURNING sc.student_id AS person_id)`,
  },
  // Payments and the invoices they settle go together (the foreign key is checked at the statement's end).
  fees: {
    has: `(EXISTS (SELECT 1 FROM invoices x WHERE x.student_id = s.id) OR EXISTS (SELECT 1 FROM payments x WHERE x.student_id = s.id))`,
    removes: `removed_payments AS (DELETE FROM payments p USING leavers l WHERE p.student_id = l.id RETURNING p.student_id),
     removed_invoices AS (DELETE FROM invoices i USING leavers l WHERE i.student_id = l.id RETURNING i.student_id),
     removed AS (SELECT student_id AS person_id FROM removed_payments UNION ALL SELECT student_id FROM removed_invoices)`,
  },
  // Messages about the leaver, and to a guardian every one of whose children has left by then; then the requests about the leaver.
  notifications: {
    has: `(EXISTS (SELECT 1 FROM notification_requests x WHERE x.student_id = s.id)
           OR EXISTS (SELECT 1 FROM student_guardians x JOIN notification_messages m ON m.recipient_id = x.guardian_id
                       WHERE x.student_id = s.id))`,
    removes: `${families},
     removed_messages AS (
       DELETE FROM notification_messages m
        WHERE m.recipient_id IN (SELECT guardian_id FROM families)
           OR m.request_id IN (SELECT r.id FROM notification_requests r JOIN leavers l ON l.id = r.student_id)
       RETURNING m.recipient_id, m.request_id),
     removed_requests AS (
       -- Every message of these requests goes above, so the requests can go too.
       DELETE FROM notification_requests r USING leavers l WHERE r.student_id = l.id RETURNING r.student_id),
     removed AS (SELECT recipient_id AS person_id FROM removed_messages UNION ALL SELECT student_id FROM removed_requests)`,
  },
  // The log itself is append-only: the leaver's key goes (and a guardian's once every child has left),
  // so their entries can no longer be read. A key made after the cutoff (an entry written since) waits its turn.
  'audit-entries': {
    has: 'EXISTS (SELECT 1 FROM person_keys x WHERE x.person_id = s.id AND x.created_at::date <= :cutoff::date)',
    removes: `${families},
     removed AS (
       DELETE FROM person_keys k
        WHERE (k.person_id IN (SELECT id FROM leavers) OR k.person_id IN (SELECT guardian_id FROM families))
          AND k.created_at::date <= :cutoff::date
       RETURNING k.person_id)`,
  },
  'access-log': {
    has: 'EXISTS (SELECT 1 FROM access_log x WHERE x.student_id = s.id)',
    removes: `removed AS (DELETE FROM access_log a USING leavers l WHERE a.student_id = l.id RETURNING a.student_id AS person_id)`,
  },
};

/** What one application of the policy removed: rows by kind, and the students whose records went. */
export interface RetentionReport {
  readonly removed: Partial<Record<RetentionKind, number>>;
  readonly students: number;
  /** Kinds the policy keeps (no years set): nothing of them was looked at. */
  readonly kept: readonly RetentionKind[];
}

/**
 * Applies the school's retention policy, kind by kind: for each kind the policy gives years,
 * the records of students who left more than that many years ago are removed, a few hundred
 * students a statement, each statement audited (how many records of whom, never their content)
 * and added to the run's report (`retention_runs`, one row per run). A kind without years is
 * kept. Applying it again removes nothing more, so a retried step is safe.
 */
export async function applyRetention(db: DataApiSession, runId: string): Promise<RetentionReport> {
  const policy = await db.query<{ kind: RetentionKind; cutoff: string }>(
    `SELECT kind, (current_date - make_interval(years => keep_years))::date::text AS cutoff
       FROM retention_policy WHERE keep_years IS NOT NULL
      -- Audit keys last: the night's own entries about a leaver are then sealed with the key that goes.
      ORDER BY kind = 'audit-entries', kind`,
  );
  const removed: Partial<Record<RetentionKind, number>> = {};
  const students = new Set<string>();
  for (const { kind, cutoff } of policy) {
    // Leavers a batch at a time, in id order: a leaver whose records of this kind stay (a guardian's
    // messages while a sibling is at the school) is passed, not read again.
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const [row] = await db.query<{ rows: number; last: string | null; students: string | null }>(
        `WITH leavers AS (
           SELECT s.id FROM students s
            WHERE ${leftBySql('s', ':cutoff::date')} AND ${removals[kind].has} AND s.id > :after::uuid
            ORDER BY s.id LIMIT ${leaversPerStatement}),
         ${removals[kind].removes},
         summary AS (
           SELECT :kind AS kind, :cutoff AS left_by, count(*)::int AS records FROM removed HAVING count(*) > 0),
         whose AS (SELECT DISTINCT person_id FROM removed),
         reported AS (
           INSERT INTO retention_runs (run_id, removed)
           SELECT :runId, jsonb_build_object(:kind, records) FROM summary
           ON CONFLICT (run_id) DO UPDATE
             SET removed = retention_runs.removed || jsonb_build_object(:kind,
                   coalesce((retention_runs.removed->>:kind)::int, 0) + (EXCLUDED.removed->>:kind)::int)
           RETURNING 1),
         ${auditEntry({
           action: 'apply-retention',
           entity: 'retention',
           rows: 'many',
           entityId: ':kind',
           parts: {
             summary: { after: 'summary', key: ['kind'] },
             people: { after: 'whose', key: ['person_id'], people: ['person_id'] },
           },
           changes: ['summary'],
         })}
         SELECT (SELECT count(*)::int FROM removed) AS rows,
                (SELECT max(id::text) FROM leavers) AS last,
                (SELECT string_agg(w.person_id::text, ',') FROM whose w JOIN leavers l ON l.id = w.person_id) AS students`,
        { kind, cutoff, runId, after },
      );
      if (row?.rows) removed[kind] = (removed[kind] ?? 0) + row.rows;
      for (const id of row?.students?.split(',') ?? []) students.add(id);
      if (!row?.last) break;
      after = row.last;
    }
  }
  return {
    removed,
    students: students.size,
    kept: retentionKinds.filter((kind) => !policy.some((p) => p.kind === kind)),
  };
}
