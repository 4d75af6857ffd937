import { resourceImplementations } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { balances, overdue, runInvoices } from './fees';
import { feeRoutes, feeStructureResource } from './fees.routes';

/** Fee structures, invoice runs, balances and the overdue list (payments have their own function). */
export const handler = schoolRoutes(feeRoutes, {
  ...resourceImplementations(feeStructureResource),
  runInvoices: async ({ db, params, body }) => runInvoices(db, params.feeStructureId, body.classId),
  listBalances: async ({ db, query }) => balances(db, query),
  listOverdue: async ({ db, query }) => overdue(db, query),
});
