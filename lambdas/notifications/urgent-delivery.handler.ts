import { deliveryWorker } from './delivery-worker';

/** Sends absence alerts and other urgent messages, apart from the bulk queue so they never wait behind it. */
export const handler = deliveryWorker();
