import { pageOf, resourceRoutes } from '../resource-schema';
import { routeGroup } from '../route-contract';
import {
  balanceQuery,
  feeStructure,
  feeStructurePath,
  feeStructures,
  invoiceRun,
  invoiceRunResult,
  newPayment,
  overdueQuery,
  paymentPath,
  receipt,
  studentBalance,
} from './fee.schemas';

// Bursars own fees; school admins may look.
export const readers = ['bursar', 'school-admin'] as const;
const bursar = ['bursar'] as const;

export const feeStructureResource = resourceRoutes({
  path: '/api/v1/fee-structures',
  spec: feeStructures,
  schemas: feeStructure,
  names: { plural: 'FeeStructures', singular: 'FeeStructure' },
  described: { plural: 'fee structures, by term and grade', singular: 'a fee structure' },
  idParameter: 'feeStructureId',
  readers,
  writers: bursar,
});

/** Fee structures, invoice runs, balances and the overdue list. */
export const feeRoutes = routeGroup('lambdas/api/fees/fees.handler.ts', {
  ...feeStructureResource.specs,
  runInvoices: {
    method: 'POST',
    path: '/api/v1/fee-structures/{feeStructureId}/invoices',
    access: bursar,
    grants: ['queue-notifications'],
    summary: 'Invoice every student a fee structure applies to (or one class); running it again skips those invoiced.',
    params: feeStructurePath,
    body: invoiceRun,
    response: { status: 200, body: invoiceRunResult },
  },
  listBalances: {
    method: 'GET',
    path: '/api/v1/fees/balances',
    access: readers,
    summary: 'Invoiced, paid and balance per student, paged.',
    query: balanceQuery,
    response: { status: 200, body: pageOf(studentBalance) },
  },
  listOverdue: {
    method: 'GET',
    path: '/api/v1/fees/overdue',
    access: readers,
    summary: 'Students whose payments do not cover what fell due by a date.',
    query: overdueQuery,
    response: { status: 200, body: pageOf(studentBalance) },
  },
});

/** Payments and receipts: the only fee routes that need the idempotency store, so a function of their own. */
export const paymentRoutes = routeGroup('lambdas/api/fees/payments.handler.ts', {
  recordPayment: {
    method: 'POST',
    path: '/api/v1/payments',
    access: bursar,
    grants: ['idempotency', 'queue-notifications'],
    summary: 'Record a payment; the client key makes sending it twice record it once.',
    body: newPayment,
    response: { status: 201, body: receipt },
  },
  getReceipt: {
    method: 'GET',
    path: '/api/v1/payments/{paymentId}/receipt',
    // A guardian reads their own child's receipts (the payment notice links to one).
    access: [...readers, 'guardian'],
    summary: "A payment's receipt with the student's balance; a guardian's own child's only.",
    params: paymentPath,
    response: { status: 200, body: receipt },
  },
});
