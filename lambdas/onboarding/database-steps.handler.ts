import { stepHandler } from './step-handler';

/** Onboarding steps in the school's shard group: its role, database and secret, schema and defaults. */
export const handler = stepHandler(['create-database', 'run-migrations', 'seed-defaults', 'remove-database']);
