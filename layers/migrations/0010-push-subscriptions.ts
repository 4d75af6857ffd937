import type { Migration } from './migration';

/**
 * Browsers a person allowed to show the school's notifications (Web Push): one row per browser,
 * its push service endpoint and the keys its messages are encrypted to (RFC 8291). A person
 * may have several (a phone and a laptop); a push message is sent to each, and an endpoint the
 * push service says is gone (404, 410) is removed.
 */
export const pushSubscriptions: Migration = {
  version: 10,
  name: 'push subscriptions',
  statements: [
    `CREATE TABLE push_subscriptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- A guardian's or a staff member's id, and their sign-in.
      person_id uuid NOT NULL,
      person_kind text NOT NULL CHECK (person_kind IN ('guardian', 'staff')),
      user_sub text NOT NULL,
      endpoint text NOT NULL UNIQUE CHECK (length(endpoint) <= 2000),
      -- The browser's P-256 public key and authentication secret, base64url.
      p256dh text NOT NULL CHECK (length(p256dh) BETWEEN 80 AND 100),
      auth text NOT NULL CHECK (length(auth) BETWEEN 16 AND 32),
      -- What the person sees in the list of their browsers.
      device text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_sent_at timestamptz
    )`,
    `CREATE INDEX push_subscriptions_person ON push_subscriptions (person_id)`,
  ],
};
