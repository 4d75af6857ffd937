import type { Migration } from './migration';

/**
 * The school's bulk sending rate: what its senders took of this second's allowance (the stage's
 * per-school rate), so that one school's announcement to thousands takes its share of the
 * account's SES rate, not all of it. Seconds older than a minute are cleared as new ones are taken.
 */
export const sendAllowance: Migration = {
  version: 12,
  name: 'send allowance',
  statements: [
    `CREATE TABLE send_allowance (
      second timestamptz PRIMARY KEY,
      sent integer NOT NULL CHECK (sent >= 0)
    )`,
  ],
};
