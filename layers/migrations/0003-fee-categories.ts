import type { Migration } from './migration';

/**
 * Fee categories a school charges under (tuition, transport, meals, ...): seeded by
 * onboarding, and every category fee structures already use is kept.
 */
export const feeCategories: Migration = {
  version: 3,
  name: 'fee categories',
  statements: [
    `CREATE TABLE fee_categories (
      code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{0,39}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
    )`,
    `INSERT INTO fee_categories (code, name)
     SELECT DISTINCT category, initcap(replace(category, '-', ' ')) FROM fee_structures
      WHERE category ~ '^[a-z][a-z0-9-]{0,39}$'
     ON CONFLICT DO NOTHING`,
  ],
};
