import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, type SqlValue, typed } from '../../shared/data-api';
import { conflict, invalid, notFound } from '../../shared/http';
import { noticeRequestsSql } from '../../shared/notification-outbox';
import { accessLogWith } from '../../shared/access-log';
import { cursorValues, guardiansChildOrStaffSql, keysetPage } from '../sql-fragments';
import type { NewPayment, Receipt, StudentBalance } from './fee.schemas';

/**
 * Invoices every active student a fee structure applies to (its grade, or every grade;
 * optionally one class) in one audited statement. Students already invoiced for it are
 * skipped, so running it again invoices only newcomers. The same statement asks for each new
 * invoice's notice to the student's guardians, if the school sends them (`noticesAsked`).
 */
export async function runInvoices(
  db: DataApiSession,
  feeStructureId: string,
  classId: string | undefined,
): Promise<{ students: number; created: number; noticesAsked: number }> {
  const [row] = await db.query<{ found: boolean; students: number; created: number; noticesAsked: number }>(
    `WITH fs AS (SELECT * FROM fee_structures WHERE id = :feeStructureId),
     targets AS (
       SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id, fs
        WHERE s.status = 'active'
          AND (fs.grade_level_id IS NULL OR c.grade_level_id = fs.grade_level_id)
          AND (CAST(:classId AS uuid) IS NULL OR s.class_id = CAST(:classId AS uuid))),
     created AS (
       INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
       SELECT t.id, fs.id, fs.amount_minor, fs.due_on FROM targets t, fs
       ON CONFLICT (student_id, fee_structure_id) DO NOTHING RETURNING *),
     ${auditEntry({
       action: 'invoice',
       entity: 'fee-structure',
       after: 'created',
       rows: 'many',
       // The run's invoices, of one fee structure.
       entityId: ':feeStructureId::text',
       people: ['student_id'],
     })},
     ${noticeRequestsSql('notices', 'invoice-issued', {
       from: 'FROM created c WHERE (SELECT invoice_notices FROM notification_settings)',
       key: 'c.id',
       payload: "jsonb_build_object('invoiceId', c.id)",
       studentId: 'c.student_id',
       onDate: 'c.issued_on',
       requestedBy: ':auditActor',
     })}
     SELECT EXISTS (SELECT 1 FROM fs) AS found, (SELECT count(*) FROM targets)::int AS students,
            (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM notices)::int AS "noticesAsked"`,
    { feeStructureId: typed.uuid(feeStructureId), classId: classId ?? null },
  );
  if (!row!.found) throw notFound('The fee structure');
  return { students: row!.students, created: row!.created, noticesAsked: row!.noticesAsked };
}

const receiptSelect = `p.id AS "paymentId", p.receipt_no AS "receiptNo", p.student_id AS "studentId",
  s.given_name || ' ' || s.family_name AS "studentName", s.admission_no AS "admissionNo",
  p.amount_minor AS "amountMinor", (SELECT currency FROM school_settings)::text AS currency, p.method,
  to_char(p.paid_on, 'YYYY-MM-DD') AS "paidOn", p.recorded_by AS "recordedBy"`;

const balanceOf = (student: string, minusInserted: string) => `(
  coalesce((SELECT sum(amount_minor) FROM invoices WHERE student_id = ${student}), 0)
  - coalesce((SELECT sum(amount_minor) FROM payments WHERE student_id = ${student}), 0)
  ${minusInserted})::bigint`;

type ReceiptRow = Receipt & { created?: boolean };

function samePayment(existing: ReceiptRow & { invoiceId: string | null }, input: NewPayment): boolean {
  return (
    existing.studentId === input.studentId &&
    Number(existing.amountMinor) === input.amountMinor &&
    existing.method === input.method &&
    existing.paidOn === input.paidOn &&
    (existing.invoiceId ?? undefined) === input.invoiceId
  );
}

/**
 * Records a payment once per client key: sending it again returns the same receipt; the
 * same key with a different payment is refused. The key is unique in the database, so
 * this holds even when the idempotency layer in front of it is bypassed. At most two round trips.
 */
export async function recordPayment(db: DataApiSession, actor: string, input: NewPayment): Promise<Receipt> {
  const params: Record<string, SqlValue> = {
    actor,
    clientKey: input.clientKey,
    studentId: typed.uuid(input.studentId),
    invoiceId: input.invoiceId ?? null,
    amountMinor: input.amountMinor,
    method: input.method,
    paidOn: typed.date(input.paidOn),
  };
  const [row] = await db.query<ReceiptRow & { invoiceId: string | null; valid: boolean }>(
    `WITH valid AS (
       SELECT 1 WHERE EXISTS (SELECT 1 FROM students WHERE id = :studentId)
          AND (CAST(:invoiceId AS uuid) IS NULL
               OR EXISTS (SELECT 1 FROM invoices WHERE id = CAST(:invoiceId AS uuid) AND student_id = :studentId))),
     inserted AS (
       INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
       SELECT :clientKey, :studentId, CAST(:invoiceId AS uuid), :amountMinor, :method, :paidOn, :actor
        WHERE EXISTS (SELECT 1 FROM valid)
       ON CONFLICT (client_key) DO NOTHING RETURNING *),
     ${auditEntry({ action: 'record', entity: 'payment', after: 'inserted', rows: 'one', people: ['student_id'] })},
     -- The guardians are told, in the payment's own statement: a payment rolled back tells nobody.
     ${noticeRequestsSql('receipt_notice', 'payment-received', {
       from: 'FROM inserted',
       key: 'id',
       payload: "jsonb_build_object('paymentId', id, 'receiptNo', receipt_no, 'amountMinor', amount_minor)",
       studentId: 'student_id',
       onDate: 'paid_on',
       requestedBy: ':actor',
     })},
     payment AS (
       SELECT *, true AS created FROM inserted
       UNION ALL
       SELECT *, false FROM payments WHERE client_key = :clientKey AND NOT EXISTS (SELECT 1 FROM inserted))
     SELECT ${receiptSelect}, p.invoice_id AS "invoiceId", p.created, EXISTS (SELECT 1 FROM valid) AS valid,
            ${balanceOf('p.student_id', '- (SELECT coalesce(sum(amount_minor), 0) FROM inserted)')} AS "balanceMinor"
       FROM payment p JOIN students s ON s.id = p.student_id`,
    params,
  );
  if (row?.created) return receiptOf(row);
  // Not inserted: the key is taken (possibly by a request that committed a moment ago) or the input is wrong.
  const existing = row ?? (await paymentByKey(db, input.clientKey));
  if (existing) {
    if (!samePayment(existing, input)) {
      throw conflict('This client key was already used for a different payment.', [
        { path: 'body.clientKey', message: 'is already used' },
      ]);
    }
    return receiptOf(existing);
  }
  throw invalid(
    input.invoiceId
      ? [{ path: 'body.invoiceId', message: 'is not an invoice of this student' }]
      : [{ path: 'body.studentId', message: 'does not exist' }],
  );
}

async function paymentByKey(db: DataApiSession, clientKey: string) {
  const [row] = await db.query<ReceiptRow & { invoiceId: string | null }>(
    `SELECT ${receiptSelect}, p.invoice_id AS "invoiceId", ${balanceOf('p.student_id', '')} AS "balanceMinor"
       FROM payments p JOIN students s ON s.id = p.student_id WHERE p.client_key = :clientKey`,
    { clientKey },
  );
  return row;
}

function receiptOf(row: ReceiptRow & { invoiceId?: string | null; valid?: boolean }): Receipt {
  const { created: _created, invoiceId: _invoice, valid: _valid, ...receipt } = row;
  return { ...receipt, amountMinor: Number(receipt.amountMinor), balanceMinor: Number(receipt.balanceMinor) };
}

/**
 * A payment's receipt, with the student's balance now; a guardian (`guardianSub`) reads only
 * their own child's, and any other is not found. The read is in the student's access log.
 */
export async function receiptFor(db: DataApiSession, paymentId: string, guardianSub: string | null): Promise<Receipt> {
  const readable = `p.id = :paymentId AND ${guardiansChildOrStaffSql('p.student_id', ':guardianSub')}`;
  const [row] = await db.query<ReceiptRow>(
    `${accessLogWith(db, 'fees', { of: `payment ${paymentId}`, sql: `(SELECT p.student_id FROM payments p WHERE ${readable})` })}
     SELECT ${receiptSelect}, ${balanceOf('p.student_id', '')} AS "balanceMinor"
       FROM payments p JOIN students s ON s.id = p.student_id WHERE ${readable}`,
    { paymentId: typed.uuid(paymentId), guardianSub },
  );
  if (!row) throw notFound('The payment');
  return receiptOf(row);
}

const balanceColumns = `s.id AS "studentId", s.admission_no AS "admissionNo", s.given_name AS "givenName",
  s.family_name AS "familyName", b.invoiced::bigint AS "invoicedMinor", b.paid::bigint AS "paidMinor",
  (b.invoiced - b.paid)::bigint AS "balanceMinor"`;

async function balancePage(
  db: DataApiSession,
  invoicedSql: string,
  conditions: string[],
  params: Record<string, SqlValue>,
  query: { limit: number; cursor?: string | undefined },
): Promise<{ items: StudentBalance[]; nextCursor: string | null }> {
  const where = [...conditions];
  const allParams: Record<string, SqlValue> = { ...params, limit: query.limit + 1 };
  if (query.cursor) {
    const after = cursorValues(query.cursor, 3);
    where.push('(s.family_name, s.given_name, s.id) > (:afterFamily, :afterGiven, :afterId)');
    Object.assign(allParams, {
      afterFamily: String(after[0]),
      afterGiven: String(after[1]),
      afterId: typed.uuid(String(after[2])),
    });
  }
  const rows = await db.query<StudentBalance>(
    `SELECT ${balanceColumns} FROM students s
       CROSS JOIN LATERAL (
         SELECT coalesce((${invoicedSql}), 0) AS invoiced,
                coalesce((SELECT sum(amount_minor) FROM payments WHERE student_id = s.id), 0) AS paid) b
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY s.family_name, s.given_name, s.id LIMIT :limit`,
    allParams,
  );
  return keysetPage(
    rows.map((r) => ({
      ...r,
      invoicedMinor: Number(r.invoicedMinor),
      paidMinor: Number(r.paidMinor),
      balanceMinor: Number(r.balanceMinor),
    })),
    query.limit,
    (last) => [last.familyName, last.givenName, last.studentId],
  );
}

/** Invoiced, paid and balance per student, paged; optionally one class, or only those who owe. */
export function balances(
  db: DataApiSession,
  query: {
    classId?: string | undefined;
    owingOnly?: 'true' | 'false' | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = {};
  if (query.classId) {
    conditions.push('s.class_id = :classId');
    params.classId = typed.uuid(query.classId);
  }
  if (query.owingOnly === 'true') conditions.push('b.invoiced > b.paid');
  return balancePage(db, 'SELECT sum(amount_minor) FROM invoices WHERE student_id = s.id', conditions, params, query);
}

/** Students whose payments do not cover what fell due by `asOf`, paged. */
export function overdue(db: DataApiSession, query: { asOf: string; limit: number; cursor?: string | undefined }) {
  return balancePage(
    db,
    'SELECT sum(amount_minor) FROM invoices WHERE student_id = s.id AND due_on <= :asOf',
    ['b.invoiced > b.paid'],
    { asOf: typed.date(query.asOf) },
    query,
  );
}
