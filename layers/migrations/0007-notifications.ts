import type { Migration } from './migration';

/**
 * Notifications of the school: its rules (`notification_settings`), each person's choices
 * (`notification_preferences`), its own wording (`notification_templates`), and the
 * transactional outbox: a write that causes a notification inserts its request
 * (`notification_requests`) in the same statement, so a rolled-back write asks for nothing and a
 * committed one is never lost. The dispatcher turns a due request into one message per
 * recipient and channel (`notification_messages`, unique on request, recipient and channel, so
 * a retried dispatch adds none); the message's id is the idempotency key of its sending, and
 * its status is what the sender reads back. Addresses that bounced or complained are kept in
 * `undeliverable_addresses`, and nothing is sent to them again.
 */
export const notifications: Migration = {
  version: 7,
  name: 'notifications',
  statements: [
    `CREATE TABLE notification_settings (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      absence_alerts boolean NOT NULL DEFAULT true,
      -- Guardians may choose the channels of absence alerts, not turn them off.
      absence_alerts_required boolean NOT NULL DEFAULT true,
      alert_on_late boolean NOT NULL DEFAULT false,
      -- When an absence is told: a number of minutes after the register, or at a time of the school day.
      absence_grace text NOT NULL DEFAULT 'after-register' CHECK (absence_grace IN ('after-register', 'at-time')),
      absence_grace_minutes integer NOT NULL DEFAULT 30 CHECK (absence_grace_minutes BETWEEN 0 AND 480),
      absence_alert_time time NOT NULL DEFAULT '10:00',
      -- Non-urgent messages wait for the end of the quiet hours, in the school's time zone.
      quiet_hours_start time NOT NULL DEFAULT '21:00',
      quiet_hours_end time NOT NULL DEFAULT '07:30',
      -- Text messages a month; 0 sends none.
      sms_monthly_budget integer NOT NULL DEFAULT 0 CHECK (sms_monthly_budget BETWEEN 0 AND 1000000),
      risk_notices_to_guardians boolean NOT NULL DEFAULT false,
      -- Per category, the channels used for a person who has not chosen (in-app is always used).
      default_channels jsonb NOT NULL DEFAULT '{"absence": ["email", "sms"], "risk": ["email"], "fees": ["email"], "announcements": ["email"], "reports": ["email"]}',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `INSERT INTO notification_settings DEFAULT VALUES`,
    `CREATE TABLE notification_preferences (
      -- A guardian's or a staff member's id.
      person_id uuid PRIMARY KEY,
      person_kind text NOT NULL CHECK (person_kind IN ('guardian', 'staff')),
      -- The language of their messages; null: the school's.
      locale text CHECK (locale IN ('en', 'pt')),
      -- Per category they chose, the channels beyond in-app; a category not here takes the school's default.
      channels jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE notification_templates (
      kind text NOT NULL,
      locale text NOT NULL CHECK (locale IN ('en', 'pt')),
      subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
      -- The text message and in-app line: short, as an SMS is read.
      short text NOT NULL CHECK (length(short) BETWEEN 1 AND 320),
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (kind, locale)
    )`,
    `CREATE TABLE notification_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL,
      category text NOT NULL CHECK (category IN ('absence', 'risk', 'fees', 'announcements', 'reports', 'account')),
      urgency text NOT NULL CHECK (urgency IN ('urgent', 'bulk')),
      -- What makes two requests the same (one absence alert per student and day).
      dedupe_key text NOT NULL UNIQUE,
      student_id uuid REFERENCES students (id),
      on_date date,
      payload jsonb NOT NULL DEFAULT '{}',
      due_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dispatched', 'cancelled')),
      -- Why a request was cancelled, or what its dispatch found.
      outcome text,
      requested_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      dispatched_at timestamptz
    )`,
    `CREATE INDEX notification_requests_due ON notification_requests (due_at) WHERE status = 'pending'`,
    `CREATE TABLE notification_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      request_id uuid NOT NULL REFERENCES notification_requests (id),
      recipient_id uuid NOT NULL,
      recipient_kind text NOT NULL CHECK (recipient_kind IN ('guardian', 'staff')),
      channel text NOT NULL CHECK (channel IN ('in-app', 'email', 'sms', 'push')),
      -- The e-mail address or E.164 number it was sent to.
      address text,
      locale text NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      status text NOT NULL CHECK (status IN (
        'queued', 'sending', 'sent', 'delivered', 'bounced', 'complained', 'opted-out', 'failed', 'over-budget')),
      reason text,
      provider_id text,
      attempts integer NOT NULL DEFAULT 0,
      queued_at timestamptz NOT NULL DEFAULT now(),
      claimed_at timestamptz,
      sent_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      UNIQUE (request_id, recipient_id, channel)
    )`,
    `CREATE INDEX notification_messages_inbox ON notification_messages (recipient_id, queued_at DESC) WHERE channel = 'in-app'`,
    `CREATE INDEX notification_messages_unsent ON notification_messages (queued_at) WHERE status IN ('queued', 'sending')`,
    `CREATE INDEX notification_messages_provider ON notification_messages (provider_id) WHERE provider_id IS NOT NULL`,
    `CREATE TABLE undeliverable_addresses (
      -- Lower-cased e-mail address or E.164 number.
      address text PRIMARY KEY,
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      reason text NOT NULL CHECK (reason IN ('bounced', 'complained', 'opted-out')),
      at timestamptz NOT NULL DEFAULT now()
    )`,
    // Numbers entered with spaces or dashes are written as E.164, as text messages need them.
    `UPDATE guardians SET phone = '+' || regexp_replace(phone, '[^0-9]', '', 'g')
      WHERE phone ~ '^\\+[0-9 ()-]+$' AND length(regexp_replace(phone, '[^0-9]', '', 'g')) BETWEEN 8 AND 15`,
  ],
};
