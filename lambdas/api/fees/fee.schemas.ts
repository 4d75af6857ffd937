import * as z from 'zod';
import type { ResourceSpec } from '../resource-schema';
import { pageQuery } from '../validation';
import { studentInList } from '../students/student.schemas';

/** Money is integer minor units (cents), never floats. */
const minorUnits = z.number().int().positive().max(1_000_000_000_00);
const isoDate = z.iso.date();
const listQuery = pageQuery;

export const feeStructure = {
  create: z
    .object({
      termId: z.uuid(),
      gradeLevelId: z.uuid().nullable().optional(),
      category: z.string().trim().min(1).max(60),
      name: z.string().trim().min(1).max(100),
      amountMinor: minorUnits,
      dueOn: isoDate,
    })
    .strict(),
  change: z
    .object({ name: z.string().trim().min(1).max(100), amountMinor: minorUnits, dueOn: isoDate })
    .partial()
    .strict()
    .refine((change) => Object.keys(change).length > 0, 'Nothing to change.'),
  list: z.object({ ...listQuery, termId: z.uuid().optional(), gradeLevelId: z.uuid().optional() }).strict(),
};

export const feeStructurePath = z.object({ feeStructureId: z.uuid() }).strict();

/** Whom to invoice: every active student the structure applies to, or one class of them. */
export const invoiceRun = z.object({ classId: z.uuid().optional() }).strict();
/** How many students the run covered, and how many of them it invoiced now (the others already were). */
export const invoiceRunResult = z.object({ students: z.number().int(), created: z.number().int() });

export const paymentMethod = z.enum(['cash', 'bank-transfer', 'card', 'mobile-money', 'other']);

export const newPayment = z
  .object({
    /** Chosen by the client once per payment, so sending it twice records it once. */
    clientKey: z
      .string()
      .trim()
      .min(8)
      .max(100)
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
    studentId: z.uuid(),
    invoiceId: z.uuid().optional(),
    amountMinor: minorUnits,
    method: paymentMethod,
    paidOn: isoDate,
  })
  .strict();
export type NewPayment = z.infer<typeof newPayment>;

export const paymentPath = z.object({ paymentId: z.uuid() }).strict();

export const balanceQuery = z
  .object({ ...listQuery, classId: z.uuid().optional(), owingOnly: z.enum(['true', 'false']).optional() })
  .strict();
export const overdueQuery = z.object({ ...listQuery, asOf: isoDate }).strict();

export const receipt = z.object({
  paymentId: z.uuid(),
  receiptNo: z.number().int(),
  studentId: z.uuid(),
  studentName: z.string(),
  admissionNo: z.string(),
  amountMinor: z.number().int(),
  currency: z.string().nullable(),
  method: paymentMethod,
  paidOn: isoDate,
  recordedBy: z.string(),
  balanceMinor: z.number().int(),
});
export type Receipt = z.infer<typeof receipt>;

export const studentBalance = studentInList.extend({
  invoicedMinor: z.number().int(),
  paidMinor: z.number().int(),
  balanceMinor: z.number().int(),
});
export type StudentBalance = z.infer<typeof studentBalance>;

/** A child's fees as their guardian sees them: invoices and payments, newest first. */
export const childFeeLines = z.object({
  invoices: z.array(z.object({ invoiceId: z.uuid(), name: z.string(), amountMinor: z.number().int(), dueOn: isoDate })),
  payments: z.array(
    z.object({
      paymentId: z.uuid(),
      receiptNo: z.number().int(),
      amountMinor: z.number().int(),
      paidOn: isoDate,
      method: paymentMethod,
    }),
  ),
});
export type ChildFeeLines = z.infer<typeof childFeeLines>;

export const feeStructures: ResourceSpec = {
  entity: 'fee-structure',
  label: 'The fee structure',
  table: 'fee_structures',
  fields: {
    termId: { column: 'term_id', type: 'uuid' },
    gradeLevelId: { column: 'grade_level_id', type: 'uuid' },
    category: { column: 'category', type: 'text' },
    name: { column: 'name', type: 'text' },
    amountMinor: { column: 'amount_minor', type: 'integer' },
    dueOn: { column: 'due_on', type: 'date' },
  },
  sortField: 'name',
  filters: ['termId', 'gradeLevelId'],
};
