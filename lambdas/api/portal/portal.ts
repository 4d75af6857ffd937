import { accessLogWith } from '../../shared/access-log';
import type { ChildFeeLines } from '../fees/fee.schemas';
import { type DataApiSession, typed, jsonColumn } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import { guardiansChildSql } from '../sql-fragments';
import type { Child } from './portal.schemas';

/** The guardian's own record is found by their sign-in; a guardian sees only students linked to it. */
const myLinks = `SELECT sg.student_id, sg.relationship FROM student_guardians sg
  JOIN guardians g ON g.id = sg.guardian_id WHERE g.user_sub = :actor`;

export async function myChildren(db: DataApiSession, guardianUserId: string): Promise<Child[]> {
  return db.query<Child>(
    `SELECT s.id AS "studentId", s.admission_no AS "admissionNo", s.given_name AS "givenName",
            s.family_name AS "familyName", c.name AS "className", l.relationship
       FROM (${myLinks}) l JOIN students s ON s.id = l.student_id LEFT JOIN classes c ON c.id = s.class_id
      ORDER BY s.given_name, s.family_name, s.id`,
    { actor: guardianUserId },
  );
}

/** Refuses (as not found, revealing nothing) a student the guardian is not linked to. One round trip. */
export async function requireMyChild(db: DataApiSession, guardianUserId: string, studentId: string): Promise<void> {
  const [row] = await db.query(`SELECT 1 AS linked WHERE ${guardiansChildSql(':studentId', ':actor')}`, {
    actor: guardianUserId,
    studentId: typed.uuid(studentId),
  });
  if (!row) throw notFound('The student');
}

/** The fee lines a guardian sees for a child: invoices and payments, newest first. */
export async function childFees(db: DataApiSession, studentId: string): Promise<ChildFeeLines> {
  const [row] = await db.query<{ invoices: string; payments: string }>(
    `${accessLogWith(db, 'fees', { studentId, sql: ':id' })}SELECT coalesce((SELECT json_agg(json_build_object('invoiceId', i.id, 'name', f.name, 'amountMinor', i.amount_minor,
                                                       'dueOn', i.due_on) ORDER BY i.due_on DESC)
                        FROM invoices i JOIN fee_structures f ON f.id = i.fee_structure_id WHERE i.student_id = :id), '[]')::text AS invoices,
            coalesce((SELECT json_agg(json_build_object('paymentId', p.id, 'receiptNo', p.receipt_no, 'amountMinor', p.amount_minor,
                                                       'paidOn', p.paid_on, 'method', p.method) ORDER BY p.paid_on DESC)
                        FROM payments p WHERE p.student_id = :id), '[]')::text AS payments`,
    { id: typed.uuid(studentId) },
  );
  return { invoices: jsonColumn(row!.invoices), payments: jsonColumn(row!.payments) };
}
