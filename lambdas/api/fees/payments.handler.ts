import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DataApiSession } from '../../shared/data-api';
import { conflict, HttpError } from '../../shared/http';
import { platformResourceName } from '../../shared/resource-names';
import { idempotencyTable } from '../../shared/tables';
import { type SchoolRequest, schoolRoutes } from '../school-handler';
import type { NewPayment, Receipt } from './fee.schemas';
import { wakeDispatcherAt } from '../../shared/notification-outbox';
import { receiptFor, recordPayment } from './fees';
import { paymentRoutes, readers } from './fees.routes';

const idempotencyConfig = new IdempotencyConfig({
  // One payment per school and client key; the same key with another payment is refused.
  eventKeyJmesPath: '[schoolId, payment.clientKey]',
  payloadValidationJmesPath: 'payment',
  expiresAfterSeconds: 24 * 3600,
  throwOnNoIdempotencyKey: true,
});

let idempotentPayment:
  ((key: { schoolId: string; payment: NewPayment }, db: DataApiSession, actor: string) => Promise<unknown>) | undefined;

/**
 * Payments go through Powertools idempotency on the platform's idempotency table, in
 * front of the database's own unique client key: a repeated request returns the first
 * receipt without touching the database.
 */
function paymentRecorder() {
  idempotentPayment ??= makeIdempotent(
    async (key: { schoolId: string; payment: NewPayment }, db: DataApiSession, actor: string) =>
      recordPayment(db, actor, key.payment),
    {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName: platformResourceName(idempotencyTable.logicalName) }),
      config: idempotencyConfig,
      dataIndexArgument: 0,
    },
  );
  return idempotentPayment;
}

async function pay(request: SchoolRequest, payment: NewPayment): Promise<Receipt> {
  idempotencyConfig.registerLambdaContext(request.context);
  try {
    const receipt = await paymentRecorder()(
      { schoolId: request.principal.schoolId, payment },
      request.db,
      request.principal.userId,
    );
    // The receipt notice is due now; the minute sweep sends it if this wake-up is lost.
    await wakeDispatcherAt({ schoolId: request.principal.schoolId, dueAt: new Date().toISOString() });
    return receipt as Receipt;
  } catch (error) {
    if (error instanceof IdempotencyValidationError) {
      throw conflict('This client key was already used for a different payment.', [
        { path: 'body.clientKey', message: 'is already used' },
      ]);
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new HttpError(409, 'IN_PROGRESS', 'This payment is being recorded; try again in a moment.');
    }
    throw error;
  }
}

/** Payments and receipts: the only fee routes that need the idempotency store. */
export const handler = schoolRoutes(paymentRoutes, {
  recordPayment: async (request) => pay(request, request.body),
  getReceipt: async ({ db, params, principal }) =>
    // The fee staff read any receipt; one who is only a guardian, their children's.
    receiptFor(
      db,
      params.paymentId,
      principal.roles.some((role) => (readers as readonly string[]).includes(role)) ? null : principal.userId,
    ),
});
