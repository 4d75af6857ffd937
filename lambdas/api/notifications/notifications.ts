import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, jsonColumn, type SqlValue, typed } from '../../shared/data-api';
import { forbidden, invalid, notFound } from '../../shared/http';
import { audienceSql, routedAnnouncementSql } from '../../shared/notification-audiences';
import {
  choosableCategories,
  type ExternalChannel,
  languageOf,
  type MessageLanguage,
  type NotificationKind,
  notificationKinds,
  renderTemplate,
  variablesIn,
} from '../../shared/notification-kinds';
import { noticeRequestsSql, smsThisMonthSql } from '../../shared/notification-outbox';
import { myClassesSql } from '../class-access';
import { cursorValues, isoTimestampSql, keysetPage } from '../sql-fragments';
import type {
  AnnouncementCreated,
  AnnouncementDraft,
  AnnouncementInput,
  AnnouncementPreview,
  DeliveryReport,
  InboxPage,
  InboxQuery,
  NotificationSettings,
  NotificationSettingsView,
  Preferences,
  PreferencesInput,
  RequestsPage,
  RequestsQuery,
  Template,
  TemplateInput,
  TemplateList,
} from './notifications.schemas';
import { editableKinds } from './notifications.schemas';

/** SQL (a CTE named `me`): the caller's own person rows (`:actor` is their user id), as a guardian or member of staff. */
export const meCte = `me AS (
    SELECT id, 'guardian' AS kind, email, phone FROM guardians WHERE user_sub = :actor
    UNION ALL
    SELECT id, 'staff', email, NULL FROM staff WHERE user_sub = :actor AND status = 'active'
  )`;

const unreadSql = `(SELECT count(*) FROM notification_messages
   WHERE channel = 'in-app' AND read_at IS NULL AND recipient_id IN (SELECT id FROM me))::int`;

/** A page of the caller's in-app messages, newest first, with their unread count: one round trip. */
export async function inbox(db: DataApiSession, actor: string, query: InboxQuery): Promise<InboxPage> {
  const params: Record<string, SqlValue> = { actor, limit: query.limit + 1 };
  const conditions = [`m.channel = 'in-app'`, 'm.recipient_id IN (SELECT id FROM me)'];
  if (query.unread === 'true') conditions.push('m.read_at IS NULL');
  if (query.before) {
    conditions.push(
      "(m.queued_at, m.id) < (SELECT queued_at, id FROM notification_messages WHERE id = :before AND channel = 'in-app')",
    );
    params.before = typed.uuid(query.before);
  }
  const [row] = await db.query<{ items: string; unread: number }>(
    `WITH ${meCte},
     page AS (
       SELECT m.id, q.kind, q.category, m.subject, m.body, m.queued_at, m.read_at
         FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY m.queued_at DESC, m.id DESC
        LIMIT :limit
     )
     SELECT (SELECT coalesce(json_agg(json_build_object(
               'id', id, 'kind', kind, 'category', category, 'subject', subject, 'body', body,
               'at', ${isoTimestampSql('queued_at')}, 'readAt', ${isoTimestampSql('read_at')}) ORDER BY queued_at DESC, id DESC), '[]')
               FROM page)::text AS items,
            ${unreadSql} AS unread`,
    params,
  );
  const items = jsonColumn<InboxPage['items']>(row!.items);
  const page = items.slice(0, query.limit);
  return { items: page, unread: row!.unread, nextBefore: items.length > query.limit ? page.at(-1)!.id : null };
}

/** Marks one of the caller's messages read (again: nothing changes), audited; answers the unread count. */
export async function markRead(db: DataApiSession, actor: string, messageId: string): Promise<{ unread: number }> {
  const [row] = await db.query<{ found: boolean; unread: number; changed: number }>(
    `WITH ${meCte},
     mine AS (
       SELECT * FROM notification_messages
        WHERE id = :id AND channel = 'in-app' AND recipient_id IN (SELECT id FROM me)
     ),
     read AS (
       UPDATE notification_messages SET read_at = now(), updated_at = now()
        WHERE id IN (SELECT id FROM mine WHERE read_at IS NULL)
       RETURNING id, recipient_id, read_at
     ),
     ${auditEntry({ action: 'read', entity: 'notification', after: 'read', rows: 'one', people: ['recipient_id'] })}
     SELECT EXISTS (SELECT 1 FROM mine) AS found, (SELECT count(*) FROM read)::int AS changed,
            ${unreadSql} - (SELECT count(*) FROM read)::int AS unread`,
    { actor, id: typed.uuid(messageId) },
  );
  if (!row!.found) throw notFound('The message');
  return { unread: row!.unread };
}

/** Marks every message of the caller's read, in one audited write. */
export async function markAllRead(db: DataApiSession, actor: string): Promise<{ unread: number }> {
  await db.query(
    `WITH ${meCte},
     read AS (
       UPDATE notification_messages SET read_at = now(), updated_at = now()
        WHERE channel = 'in-app' AND read_at IS NULL AND recipient_id IN (SELECT id FROM me)
       RETURNING id, recipient_id, read_at
     ),
     ${auditEntry({ action: 'read', entity: 'notification', after: 'read', rows: 'many', people: ['recipient_id'] })}
     SELECT (SELECT count(*) FROM read)::int AS changed`,
    { actor },
  );
  return { unread: 0 };
}

interface PreferencesRow {
  person: string | null;
  settings: string;
  schoolLocale: string;
}

/** The caller's preferences as they apply, with the school's defaults and requirements: one round trip. */
export async function readPreferences(db: DataApiSession, actor: string): Promise<Preferences> {
  const [row] = await db.query<PreferencesRow>(
    `WITH ${meCte}
     SELECT (SELECT json_build_object('id', me.id, 'email', me.email, 'phone', me.phone, 'locale', p.locale,
                                     'channels', p.channels)
               FROM me LEFT JOIN notification_preferences p ON p.person_id = me.id LIMIT 1)::text AS person,
            (SELECT to_jsonb(n) FROM notification_settings n)::text AS settings,
            (SELECT locale FROM school_settings) AS "schoolLocale"`,
    { actor },
  );
  return preferencesOf(row!);
}

function preferencesOf(row: PreferencesRow): Preferences {
  if (!row.person) throw notFound('A guardian or member of staff with your sign-in');
  const person = jsonColumn<{
    email: string | null;
    phone: string | null;
    locale: 'en' | 'pt' | null;
    channels: Record<string, ExternalChannel[]> | null;
  }>(row.person);
  const settings = jsonColumn<{
    absence_alerts_required: boolean;
    default_channels: Record<string, ExternalChannel[]>;
  }>(row.settings);
  return {
    locale: person.locale,
    schoolLocale: languageOf(row.schoolLocale),
    contact: { email: person.email, phone: person.phone },
    categories: choosableCategories.map((category) => {
      const chosen = person.channels?.[category];
      const required = category === 'absence' && settings.absence_alerts_required;
      // A required category with nothing chosen takes the school's default, as the dispatcher does.
      const applies = chosen === undefined || (required && chosen.length === 0);
      return {
        category,
        channels: applies ? (settings.default_channels[category] ?? []) : chosen,
        chosen: !applies,
        required,
      };
    }),
  };
}

/** Writes the caller's language and channels (whole), audited with before and after. */
export async function writePreferences(
  db: DataApiSession,
  actor: string,
  input: PreferencesInput,
): Promise<Preferences> {
  const [row] = await db.query<PreferencesRow>(
    `WITH ${meCte},
     person AS (SELECT * FROM me LIMIT 1),
     before AS (SELECT p.* FROM notification_preferences p WHERE p.person_id = (SELECT id FROM person)),
     written AS (
       INSERT INTO notification_preferences (person_id, person_kind, locale, channels)
       SELECT id, kind, :locale, :channels FROM person
       ON CONFLICT (person_id) DO UPDATE SET locale = excluded.locale, channels = excluded.channels, updated_at = now()
       RETURNING *
     ),
     ${auditEntry({
       action: 'update',
       entity: 'notification-preferences',
       before: 'before',
       after: 'written',
       rows: 'one',
       key: ['person_id'],
       entityId: '(SELECT person_id::text FROM written)',
       people: ['person_id'],
     })}
     SELECT (SELECT json_build_object('id', person.id, 'email', person.email, 'phone', person.phone,
                                     'locale', w.locale, 'channels', w.channels)
               FROM person JOIN written w ON w.person_id = person.id)::text AS person,
            (SELECT to_jsonb(n) FROM notification_settings n)::text AS settings,
            (SELECT locale FROM school_settings) AS "schoolLocale"`,
    { actor, locale: input.locale, channels: typed.json(input.channels) },
  );
  return preferencesOf(row!);
}

interface SettingsRow {
  absence_alerts: boolean;
  absence_alerts_required: boolean;
  alert_on_late: boolean;
  absence_grace: 'after-register' | 'at-time';
  absence_grace_minutes: number;
  absence_alert_time: string;
  quiet_hours_start: string;
  quiet_hours_end: string;
  sms_monthly_budget: number;
  risk_notices: boolean;
  risk_notices_to_guardians: boolean;
  chronic_absence_notices: boolean;
  invoice_notices: boolean;
  fee_reminder_days: number;
  overdue_reminders: boolean;
  daily_notices_time: string;
  message_retention_days: number;
  default_channels: string;
  sms_this_month: number;
}

const settingsColumns = `absence_alerts, absence_alerts_required, alert_on_late, absence_grace, absence_grace_minutes,
  to_char(absence_alert_time, 'HH24:MI') AS absence_alert_time, to_char(quiet_hours_start, 'HH24:MI') AS quiet_hours_start,
  to_char(quiet_hours_end, 'HH24:MI') AS quiet_hours_end, sms_monthly_budget, risk_notices_to_guardians,
  message_retention_days, default_channels::text AS default_channels, risk_notices, chronic_absence_notices,
  invoice_notices, fee_reminder_days, overdue_reminders, to_char(daily_notices_time, 'HH24:MI') AS daily_notices_time`;

function settingsOf(row: SettingsRow): NotificationSettingsView {
  return {
    absenceAlerts: row.absence_alerts,
    absenceAlertsRequired: row.absence_alerts_required,
    alertOnLate: row.alert_on_late,
    absenceGrace: row.absence_grace,
    absenceGraceMinutes: row.absence_grace_minutes,
    absenceAlertTime: row.absence_alert_time,
    quietHoursStart: row.quiet_hours_start,
    quietHoursEnd: row.quiet_hours_end,
    smsMonthlyBudget: row.sms_monthly_budget,
    riskNotices: row.risk_notices,
    riskNoticesToGuardians: row.risk_notices_to_guardians,
    chronicAbsenceNotices: row.chronic_absence_notices,
    invoiceNotices: row.invoice_notices,
    feeReminderDays: row.fee_reminder_days,
    overdueReminders: row.overdue_reminders,
    dailyNoticesTime: row.daily_notices_time,
    messageRetentionDays: row.message_retention_days,
    defaultChannels: jsonColumn(row.default_channels),
    smsSentThisMonth: row.sms_this_month,
  };
}

export async function readNotificationSettings(db: DataApiSession): Promise<NotificationSettingsView> {
  const [row] = await db.query<SettingsRow>(
    `SELECT ${settingsColumns}, ${smsThisMonthSql} AS sms_this_month FROM notification_settings`,
  );
  if (!row) throw notFound("The school's notification settings");
  return settingsOf(row);
}

/** Writes the school's notification rules whole (one record), audited with before and after. */
export async function writeNotificationSettings(
  db: DataApiSession,
  settings: NotificationSettings,
): Promise<NotificationSettingsView> {
  const [row] = await db.query<SettingsRow>(
    `WITH before AS (SELECT * FROM notification_settings),
     changed AS (
       UPDATE notification_settings SET
         absence_alerts = :absenceAlerts, absence_alerts_required = :absenceAlertsRequired,
         alert_on_late = :alertOnLate, absence_grace = :absenceGrace, absence_grace_minutes = :absenceGraceMinutes,
         absence_alert_time = :absenceAlertTime, quiet_hours_start = :quietHoursStart,
         quiet_hours_end = :quietHoursEnd, sms_monthly_budget = :smsMonthlyBudget,
         risk_notices_to_guardians = :riskNoticesToGuardians, message_retention_days = :messageRetentionDays,
         default_channels = :defaultChannels, risk_notices = :riskNotices,
         chronic_absence_notices = :chronicAbsenceNotices, invoice_notices = :invoiceNotices,
         fee_reminder_days = :feeReminderDays, overdue_reminders = :overdueReminders,
         daily_notices_time = :dailyNoticesTime, updated_at = now()
       RETURNING *
     ),
     ${auditEntry({
       action: 'update',
       entity: 'notification-settings',
       before: 'before',
       after: 'changed',
       rows: 'one',
       key: ['singleton'],
       entityId: 'NULL',
     })}
     SELECT ${settingsColumns}, ${smsThisMonthSql} AS sms_this_month FROM changed`,
    {
      absenceAlerts: settings.absenceAlerts,
      absenceAlertsRequired: settings.absenceAlertsRequired,
      alertOnLate: settings.alertOnLate,
      absenceGrace: settings.absenceGrace,
      absenceGraceMinutes: settings.absenceGraceMinutes,
      absenceAlertTime: typed.time(`${settings.absenceAlertTime}:00`),
      quietHoursStart: typed.time(`${settings.quietHoursStart}:00`),
      quietHoursEnd: typed.time(`${settings.quietHoursEnd}:00`),
      smsMonthlyBudget: settings.smsMonthlyBudget,
      riskNoticesToGuardians: settings.riskNoticesToGuardians,
      messageRetentionDays: settings.messageRetentionDays,
      riskNotices: settings.riskNotices,
      chronicAbsenceNotices: settings.chronicAbsenceNotices,
      invoiceNotices: settings.invoiceNotices,
      feeReminderDays: settings.feeReminderDays,
      overdueReminders: settings.overdueReminders,
      dailyNoticesTime: typed.time(`${settings.dailyNoticesTime}:00`),
      defaultChannels: typed.json(settings.defaultChannels),
    },
  );
  return settingsOf(row!);
}

const totalsSql = (request: string) => `(SELECT coalesce(jsonb_object_agg(status, n), '{}') FROM (
    SELECT status, count(*)::int AS n FROM notification_messages WHERE request_id = ${request} GROUP BY status) t)`;

/** A notification and what became of each of its messages (a teacher's own only): one round trip. */
export async function deliveryReport(
  db: DataApiSession,
  caller: AnnouncementCaller,
  requestId: string,
): Promise<DeliveryReport> {
  const [row] = await db.query<{ report: string | null }>(
    `SELECT (SELECT json_build_object(
        'id', q.id, 'kind', q.kind, 'category', q.category, 'status', q.status, 'outcome', q.outcome,
        'dueAt', ${isoTimestampSql('q.due_at')}, 'dispatchedAt', ${isoTimestampSql('q.dispatched_at')}, 'totals', ${totalsSql('q.id')},
        'messages', (SELECT coalesce(json_agg(json_build_object(
            'id', m.id, 'recipientId', m.recipient_id, 'recipientName', coalesce(g.name, st.name), 'channel', m.channel,
            'address', m.address, 'status', m.status, 'reason', m.reason, 'updatedAt', ${isoTimestampSql('m.updated_at')})
            ORDER BY coalesce(g.name, st.name), m.channel), '[]')
            FROM notification_messages m
            LEFT JOIN guardians g ON g.id = m.recipient_id AND m.recipient_kind = 'guardian'
            LEFT JOIN staff st ON st.id = m.recipient_id AND m.recipient_kind = 'staff'
           WHERE m.request_id = q.id))
       FROM notification_requests q WHERE q.id = :id AND (:isAdmin OR q.requested_by = :actor))::text AS report`,
    { id: typed.uuid(requestId), isAdmin: caller.isAdmin, actor: caller.userId },
  );
  if (!row!.report) throw notFound('The notification');
  return jsonColumn(row!.report);
}

/** A request's due time as its answer and its cursor carry it: to the millisecond. */
const dueToTheMs = `date_trunc('milliseconds', q.due_at)`;

/** The school's notifications (a teacher's own), newest due first, their messages counted by status: one round trip. */
export async function listRequests(
  db: DataApiSession,
  caller: AnnouncementCaller,
  query: RequestsQuery,
): Promise<RequestsPage> {
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  const conditions: string[] = [];
  if (!caller.isAdmin) {
    conditions.push('q.requested_by = :actor');
    params.actor = caller.userId;
  }
  if (query.kind) {
    conditions.push('q.kind = :kind');
    params.kind = query.kind;
  }
  if (query.studentId) {
    conditions.push('q.student_id = :studentId');
    params.studentId = typed.uuid(query.studentId);
  }
  if (query.cursor) {
    // Keyset on (due time to the millisecond the cursor carries, id): requests due at the same
    // instant are neither skipped nor repeated.
    const [dueAt, id] = cursorValues(query.cursor, 2);
    conditions.push(`(${dueToTheMs}, q.id) < (:afterDue::timestamptz, :afterId)`);
    Object.assign(params, { afterDue: String(dueAt), afterId: typed.uuid(String(id)) });
  }
  const [row] = await db.query<{ items: string }>(
    `WITH page AS (
       SELECT * FROM notification_requests q ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY ${dueToTheMs} DESC, q.id DESC LIMIT :limit
     )
     SELECT coalesce(json_agg(json_build_object(
         'id', q.id, 'kind', q.kind, 'category', q.category, 'status', q.status, 'outcome', q.outcome,
         'studentId', q.student_id, 'dueAt', ${isoTimestampSql('q.due_at')}, 'dispatchedAt', ${isoTimestampSql('q.dispatched_at')},
         'totals', ${totalsSql('q.id')}) ORDER BY ${dueToTheMs} DESC, q.id DESC), '[]')::text AS items
       FROM page q`,
    params,
  );
  return keysetPage(jsonColumn<RequestsPage['items']>(row!.items), query.limit, (last) => [last.dueAt, last.id]);
}

/**
 * SQL (CTEs after `audience` and `people`): `target` has one row when the audience's grade or
 * class exists (or it names neither), `permitted` one row when the caller may send to it: a
 * school admin to anyone, a teacher to a class they teach (or its guardians) only.
 */
const announcementChecks = `target AS (
    SELECT 1 FROM audience a
     WHERE (a.grade_level_id IS NULL OR EXISTS (SELECT 1 FROM grade_levels WHERE id = a.grade_level_id))
       AND (a.class_id IS NULL OR EXISTS (SELECT 1 FROM classes WHERE id = a.class_id))
  ),
  permitted AS (
    SELECT 1 FROM audience a
     WHERE :isAdmin OR (a.scope IN ('class', 'class-guardians') AND a.class_id IN (${myClassesSql}))
  )`;

interface AnnouncementCaller {
  readonly userId: string;
  readonly isAdmin: boolean;
}

function checked(row: { targetExists: boolean; permitted: boolean }): void {
  if (!row.targetExists) throw notFound('The grade or class of the audience');
  if (!row.permitted) throw forbidden('Teachers send announcements to the classes they teach, or their guardians.');
}

/** Who an announcement would reach and on which channels, and how it reads: one round trip, nothing written. */
export async function previewAnnouncement(
  db: DataApiSession,
  caller: AnnouncementCaller,
  draft: AnnouncementDraft,
): Promise<AnnouncementPreview> {
  const [row] = await db.query<{
    targetExists: boolean;
    permitted: boolean;
    guardians: number;
    staff: number;
    channels: string;
    schoolName: string;
  }>(
    `WITH ${audienceSql(':audience::jsonb')}, ${routedAnnouncementSql}, ${announcementChecks}
     SELECT EXISTS (SELECT 1 FROM target) AS "targetExists", EXISTS (SELECT 1 FROM permitted) AS permitted,
            (SELECT count(*) FROM people WHERE kind = 'guardian')::int AS guardians,
            (SELECT count(*) FROM people WHERE kind = 'staff')::int AS staff,
            (SELECT coalesce(json_object_agg(channel, n), '{}') FROM (
               SELECT channel, count(*)::int AS n FROM routed GROUP BY channel) c)::text AS channels,
            (SELECT name FROM school_settings) AS "schoolName"`,
    { audience: typed.json(draft.audience), isAdmin: caller.isAdmin, actor: caller.userId },
  );
  checked(row!);
  const channels = jsonColumn<Record<string, number>>(row!.channels);
  const kind = notificationKinds.announcement;
  return {
    recipients: { guardians: row!.guardians, staff: row!.staff, total: row!.guardians + row!.staff },
    channels: {
      'in-app': channels['in-app'] ?? 0,
      email: channels.email ?? 0,
      sms: channels.sms ?? 0,
      push: channels.push ?? 0,
    },
    message: renderTemplate(kind.templates.en, { title: draft.title, body: draft.body, schoolName: row!.schoolName }),
  };
}

/**
 * Asks for an announcement, now or at `sendAt`, in one audited statement (the outbox): the
 * dispatcher writes its messages when it falls due. The client key makes a retry send nothing
 * more: the first announcement of that key is answered.
 */
export async function createAnnouncement(
  db: DataApiSession,
  caller: AnnouncementCaller,
  input: AnnouncementInput,
): Promise<AnnouncementCreated> {
  const [row] = await db.query<{
    targetExists: boolean;
    permitted: boolean;
    announcement: string | null;
    created: boolean;
  }>(
    `WITH ${audienceSql(':audience::jsonb')}, ${announcementChecks},
     ${noticeRequestsSql('asked', 'announcement', {
       from: 'WHERE EXISTS (SELECT 1 FROM target) AND EXISTS (SELECT 1 FROM permitted)',
       key: ':clientKey',
       payload: "jsonb_build_object('audience', :audience::jsonb, 'title', :title, 'body', :body)",
       dueAt: 'greatest(now(), coalesce(:sendAt::timestamptz, now()))',
       requestedBy: ':actor',
       returning: '*',
     })},
     ${auditEntry({ action: 'announce', entity: 'notification', after: 'asked', rows: 'one' })},
     answered AS (
       SELECT id, due_at FROM asked
       UNION ALL
       SELECT id, due_at FROM notification_requests
        WHERE dedupe_key = 'announcement/' || :clientKey AND NOT EXISTS (SELECT 1 FROM asked)
     )
     SELECT EXISTS (SELECT 1 FROM target) AS "targetExists", EXISTS (SELECT 1 FROM permitted) AS permitted,
            (SELECT json_build_object('id', id, 'dueAt', ${isoTimestampSql('due_at')},
                                      'recipients', (SELECT count(*) FROM people)) FROM answered)::text AS announcement,
            EXISTS (SELECT 1 FROM asked) AS created`,
    {
      audience: typed.json(input.audience),
      title: input.title,
      body: input.body,
      sendAt: input.sendAt ? typed.timestamp(new Date(input.sendAt)) : null,
      clientKey: input.clientKey,
      isAdmin: caller.isAdmin,
      actor: caller.userId,
    },
  );
  checked(row!);
  return { ...jsonColumn<Omit<AnnouncementCreated, 'created'>>(row!.announcement!), created: row!.created };
}

type EditableKind = (typeof editableKinds)[number];

/** Field errors for variables a wording names that its kind does not have, or leaves out that it must keep. */
function unknownVariables(kind: EditableKind, input: TemplateInput) {
  const definition: NotificationKind = notificationKinds[kind];
  const known = Object.keys(definition.variables);
  const missing = (definition.required ?? []).filter((name) => !variablesIn(input.body).includes(name));
  const kept = missing.length
    ? [{ path: 'body.body', message: `must keep ${missing.map((n) => `{{${n}}}`).join(', ')}` }]
    : [];
  return [
    ...kept,
    ...(['subject', 'body', 'short'] as const).flatMap((field) => {
      const unknown = [...new Set(variablesIn(input[field]))].filter((name) => !known.includes(name));
      return unknown.length
        ? [
            {
              path: `body.${field}`,
              message: `names ${unknown.map((n) => `{{${n}}}`).join(', ')}; it may use ${known.map((n) => `{{${n}}}`).join(', ')}`,
            },
          ]
        : [];
    }),
  ];
}

/** Every kind a school may reword, with its variables and its wording per language (its own or shipped). */
export async function listTemplates(db: DataApiSession): Promise<TemplateList> {
  const stored = await db.query<{
    kind: string;
    locale: MessageLanguage;
    subject: string;
    body: string;
    short: string;
  }>('SELECT kind, locale, subject, body, short FROM notification_templates');
  return {
    items: editableKinds.map((kind) => {
      const shipped = notificationKinds[kind];
      const wordingIn = (locale: MessageLanguage) => {
        const own = stored.find((t) => t.kind === kind && t.locale === locale);
        const { subject, body, short } = own ?? shipped.templates[locale];
        return { subject, body, short, custom: Boolean(own) };
      };
      return {
        kind,
        category: shipped.category,
        variables: { ...shipped.variables },
        templates: { en: wordingIn('en'), pt: wordingIn('pt') },
      };
    }),
  };
}

/** Writes the school's wording of a kind in a language, audited; a variable the kind lacks is refused by field. */
export async function writeTemplate(
  db: DataApiSession,
  path: { kind: EditableKind; locale: MessageLanguage },
  input: TemplateInput,
): Promise<Template> {
  const errors = unknownVariables(path.kind, input);
  if (errors.length) throw invalid(errors, 'The wording names variables this kind of message does not have.');
  const [row] = await db.query<{ subject: string; body: string; short: string }>(
    `WITH before AS (SELECT * FROM notification_templates WHERE kind = :kind AND locale = :locale),
     written AS (
       INSERT INTO notification_templates (kind, locale, subject, body, short, updated_by)
       VALUES (:kind, :locale, :subject, :body, :short, :auditActor)
       ON CONFLICT (kind, locale) DO UPDATE SET subject = excluded.subject, body = excluded.body,
              short = excluded.short, updated_by = excluded.updated_by, updated_at = now()
       RETURNING *
     ),
     ${auditEntry({
       action: 'update',
       entity: 'notification-template',
       before: 'before',
       after: 'written',
       rows: 'one',
       key: ['kind', 'locale'],
       entityId: `:kind || '/' || :locale`,
     })}
     SELECT subject, body, short FROM written`,
    { kind: path.kind, locale: path.locale, subject: input.subject, body: input.body, short: input.short },
  );
  return { ...path, ...row!, custom: true };
}

/** Goes back to the shipped wording of a kind in a language, audited; answers that wording. */
export async function resetTemplate(
  db: DataApiSession,
  path: { kind: EditableKind; locale: MessageLanguage },
): Promise<Template> {
  await db.query(
    `WITH removed AS (DELETE FROM notification_templates WHERE kind = :kind AND locale = :locale RETURNING *),
     ${auditEntry({
       action: 'delete',
       entity: 'notification-template',
       before: 'removed',
       rows: 'one',
       key: ['kind', 'locale'],
       entityId: `:kind || '/' || :locale`,
     })}
     SELECT count(*) FROM removed`,
    { kind: path.kind, locale: path.locale },
  );
  return { ...path, ...notificationKinds[path.kind].templates[path.locale], custom: false };
}

/** A wording filled with its kind's example values; nothing is written. */
export function previewTemplate(kind: EditableKind, input: TemplateInput) {
  const errors = unknownVariables(kind, input);
  if (errors.length) throw invalid(errors, 'The wording names variables this kind of message does not have.');
  return renderTemplate(input, notificationKinds[kind].example);
}
