import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { resourceImplementations } from '../resource-crud';
import { schoolRoutes } from '../school-handler';
import { balances, overdue, runInvoices } from './fees';
import { feeRoutes, feeStructureResource } from './fees.routes';

/** Fee structures, invoice runs, balances and the overdue list (payments have their own function). */
export const handler = schoolRoutes(feeRoutes, {
  ...resourceImplementations(feeStructureResource),
  runInvoices: async ({ db, params, body, principal }) => {
    const { noticesAsked, ...run } = await runInvoices(db, params.feeStructureId, body.classId);
    // The notices are due now; the minute sweep sends them if this wake-up is lost.
    if (noticesAsked) await wakeDispatcherAt({ schoolId: principal.schoolId, dueAt: new Date().toISOString() });
    return run;
  },
  listBalances: async ({ db, query }) => balances(db, query),
  listOverdue: async ({ db, query }) => overdue(db, query),
});
