import { stepHandler } from './step-handler';

/** Onboarding steps in the school's shard group: its role, database and secret, schema, defaults, first admin's record. */
export const handler = stepHandler([
  'create-database',
  'run-migrations',
  'seed-defaults',
  'record-admin',
  'remove-database',
]);
