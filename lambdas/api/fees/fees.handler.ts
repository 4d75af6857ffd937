import { json } from '../../shared/http';
import { resourceHandlers } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import { balanceQuery, feeStructure, feeStructures, feeStructurePath, invoiceRun, overdueQuery } from './fee.schemas';
import { balances, overdue, runInvoices } from './fees';
import { feeRoutes } from '../routes';

/** Fee structures, invoice runs, balances and the overdue list (payments have their own function). */
export const handler = schoolRoutes(feeRoutes(), {
  ...resourceHandlers('/api/fee-structures', feeStructures, feeStructure, 'feeStructureId'),
  'POST /api/fee-structures/{feeStructureId}/invoices': async ({ event, db, principal }) =>
    json(
      200,
      await runInvoices(
        db,
        principal.userId,
        parsePath(feeStructurePath, event).feeStructureId,
        parseBody(invoiceRun, event).classId,
      ),
    ),
  'GET /api/fees/balances': async ({ event, db }) => json(200, await balances(db, parseQuery(balanceQuery, event))),
  'GET /api/fees/overdue': async ({ event, db }) => json(200, await overdue(db, parseQuery(overdueQuery, event))),
});
