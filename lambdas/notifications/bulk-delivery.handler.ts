import { deliveryWorker } from './delivery-worker';

/** Sends announcements, reminders and other messages that may wait their turn. */
export const handler = deliveryWorker();
