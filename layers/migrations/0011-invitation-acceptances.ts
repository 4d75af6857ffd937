import type { Migration } from './migration';

/**
 * Invitations taken up: the invitation e-mail's link (signed with the stage's key, valid for a
 * week) works once, and this is what makes it once. The invitation itself is a notification
 * message (kind `invitation`), tracked and reported like the school's other messages.
 */
export const invitationAcceptances: Migration = {
  version: 11,
  name: 'invitation acceptances',
  statements: [
    `CREATE TABLE invitation_acceptances (
      -- The invitation e-mail (a notification message) whose link was used.
      message_id uuid PRIMARY KEY,
      person_id uuid NOT NULL,
      person_kind text NOT NULL CHECK (person_kind IN ('guardian', 'staff')),
      accepted_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
};
