import type { Migration } from './migration';

/**
 * The school's integrations: third-party apps (a learning platform, a library system) that call
 * the API with an OAuth client of their own. The client's secret is never stored here (the user
 * pool holds it); the row is what the school admin registered and did to it, and the audit log
 * names each call's writes as the integration's (`integration:<id>`).
 */
export const integrations: Migration = {
  version: 18,
  name: 'integrations',
  statements: [
    `CREATE TABLE integrations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
      client_id text NOT NULL UNIQUE,
      scopes jsonb NOT NULL CHECK (jsonb_typeof(scopes) = 'array' AND jsonb_array_length(scopes) > 0),
      requests_per_minute integer NOT NULL CHECK (requests_per_minute BETWEEN 1 AND 6000),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      secret_rotated_at timestamptz,
      revoked_by text,
      revoked_at timestamptz,
      CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
    )`,
    `CREATE UNIQUE INDEX integrations_active_name ON integrations (lower(name)) WHERE status = 'active'`,
  ],
};
