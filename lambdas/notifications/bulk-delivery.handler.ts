import { bulkSendRateVariable } from '../shared/platform-variables';
import { deliveryWorker } from './delivery-worker';

/** Sends announcements, reminders and other messages that may wait their turn, at the school's rate. */
export const handler = deliveryWorker(undefined, () => Number(process.env[bulkSendRateVariable]) || undefined);
