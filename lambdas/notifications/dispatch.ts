import { auditEntry } from '../shared/audit-entry';
import { messagesRefusedSql } from '../shared/consents';
import { type DataApiSession, jsonColumn, typed } from '../shared/data-api';
import {
  type Channel,
  type ChoosableCategory,
  choosableCategories,
  dayInWords,
  type ExternalChannel,
  externalChannels,
  intlLocaleOf,
  invitationLinkMarker,
  languageOf,
  markWords,
  type MessageLanguage,
  reportWords,
  roleWords,
  type MessageTemplate,
  type NotificationKind,
  type NotificationKindName,
  notificationKinds,
  renderTemplate,
} from '../shared/notification-kinds';
import { audienceSql, routedAnnouncementSql } from '../shared/notification-audiences';
import { noticeRequestsSql, smsThisMonthSql } from '../shared/notification-outbox';

/**
 * The dispatcher's work on one school: the notification requests that have fallen due are
 * taken (locked, so two dispatchers never take the same), each is checked against the school
 * as it is now (an absence corrected or excused since the register cancels its alert), and a
 * request that stands becomes one message per recipient and channel, written in the
 * recipient's language. Quiet hours hold back what is not urgent; the school's monthly SMS
 * budget stops text messages beyond it and tells the school admins, once a month. Everything
 * is written, and audited, in one statement of the transaction that took the requests.
 */

/** A recipient of a request, as the dispatcher reads them. */
interface Recipient {
  id: string;
  kind: 'guardian' | 'staff';
  name: string;
  email: string | null;
  phone: string | null;
  userSub: string | null;
  locale: string | null;
  channels: Partial<Record<ChoosableCategory, string[]>> | null;
  emailUndeliverable: boolean;
  /** Why nothing more goes to the number: it replied STOP, or the carrier said it does not exist. */
  phoneUndeliverable: 'opted-out' | 'bounced' | null;
  /** Browsers that allowed the school's notifications (Web Push). */
  pushSubscriptions: number;
  /** A guardian who refused messages beyond essential ones: those reach them in the app only. */
  messagesRefused: boolean;
}

interface DueRequest {
  id: string;
  kind: NotificationKindName;
  category: string;
  urgency: 'urgent' | 'bulk';
  payload: Record<string, unknown>;
  onDate: string | null;
  mark: string | null;
  student: { id: string; name: string; className: string | null } | null;
  /** The invoice a fee notice is about, as it stands now. */
  invoice: { name: string; amountMinor: number; unpaidMinor: number; dueOn: string } | null;
  recipients: Recipient[];
}

interface NotificationSettings {
  alert_on_late: boolean;
  absence_alerts_required: boolean;
  sms_monthly_budget: number;
  default_channels: Partial<Record<ChoosableCategory, string[]>>;
}

interface StoredTemplate extends MessageTemplate {
  kind: string;
  locale: MessageLanguage;
}

/** The school as its messages name it: its name, language and currency, and where its app is. */
interface SchoolContext {
  name: string;
  locale: string;
  currency?: string;
  appUrl?: string;
}

/** A message to write, and how it stands when written. */
export interface PlannedMessage {
  requestId: string;
  recipientId: string;
  recipientKind: 'guardian' | 'staff';
  channel: Channel;
  address: string | null;
  locale: MessageLanguage;
  subject: string;
  body: string;
  status: 'queued' | 'delivered' | 'failed' | 'opted-out' | 'over-budget';
  reason: string | null;
}

/** A request's fate: dispatched, cancelled with a reason, or held back to a later time. */
interface Decision {
  id: string;
  status: 'dispatched' | 'cancelled';
  outcome: string | null;
}

/** What one dispatch did. */
export interface DispatchOutcome {
  dispatched: number;
  cancelled: number;
  postponed: number;
  /** Messages written, by channel and status. */
  messages: number;
  /** E-mail and text messages to send, by urgency. */
  toSend: { urgent: string[]; bulk: string[] };
  /** Announcements' e-mail and text messages to send (bulk), named by their request: too many to list. */
  sendParts: { requestId: string; queued: number }[];
  /** The requests whose messages were written now (their in-app recipients hear it live). */
  requestIds: string[];
  /** More requests were due than one dispatch takes. */
  more: boolean;
  /** When a request this dispatch asked for or held back falls due (for a wake-up), if any. */
  nextDueAt: string | null;
}

const e164 = /^\+[1-9][0-9]{7,14}$/;

/** The channels a recipient gets a category's messages on: in-app always, and those chosen or the school's default. */
export function channelsFor(
  recipient: Pick<Recipient, 'channels'>,
  category: string,
  settings: Pick<NotificationSettings, 'default_channels' | 'absence_alerts_required'>,
): Channel[] {
  if (!(choosableCategories as readonly string[]).includes(category)) return ['in-app', 'email'];
  const key = category as ChoosableCategory;
  const chosen = recipient.channels?.[key];
  const fallback = settings.default_channels[key] ?? [];
  // A required category cannot be turned off: with no channel chosen, the school's default is used.
  const external =
    chosen === undefined || (chosen.length === 0 && key === 'absence' && settings.absence_alerts_required)
      ? fallback
      : chosen;
  return [
    'in-app',
    ...external.filter((c): c is ExternalChannel => (externalChannels as readonly string[]).includes(c)),
  ];
}

/** Why a request no longer stands, or null if it does. */
function cancellation(request: DueRequest, settings: NotificationSettings): string | null {
  if (request.kind === 'absence-alert') {
    if (request.mark === 'excused') return 'excused';
    if (request.mark === 'late' && !settings.alert_on_late) return 'late-not-alerted';
    if (request.mark !== 'absent' && request.mark !== 'late') return 'no-longer-absent';
  }
  // A reminder of an invoice paid in the meantime is not sent.
  if (
    (request.kind === 'fee-due-soon' || request.kind === 'fee-overdue') &&
    !(Number(request.invoice?.unpaidMinor) > 0)
  ) {
    return 'paid';
  }
  if (!request.recipients.length) return 'no-recipients';
  return null;
}

/** The values a request's templates are filled with, for one recipient's language. */
function valuesFor(
  request: DueRequest,
  recipient: Recipient,
  language: MessageLanguage,
  school: SchoolContext,
): Record<string, string> {
  const values: Record<string, string> = {
    schoolName: school.name,
    guardianName: recipient.name,
    recipientName: recipient.name,
  };
  const money = (minor: unknown) =>
    new Intl.NumberFormat(intlLocaleOf(language), { style: 'currency', currency: school.currency || 'EUR' }).format(
      Number(minor ?? 0) / 100,
    );
  const percent = (fraction: unknown) =>
    new Intl.NumberFormat(intlLocaleOf(language), { style: 'percent' }).format(Number(fraction ?? 0));
  // A guardian's link is their child's page; staff's, the student's.
  const studentLink = `${school.appUrl ?? ''}${recipient.kind === 'guardian' ? '/children/' : '/students/'}${request.student?.id ?? ''}`;
  if (request.kind === 'payment-received') {
    values.amount = money(request.payload.amountMinor);
    // The receipt itself, ready to print: under the child for a guardian, under fees for staff.
    const receipt = `receipts/${typeof request.payload.paymentId === 'string' ? request.payload.paymentId : ''}`;
    values.link =
      recipient.kind === 'guardian' ? `${studentLink}/${receipt}` : `${school.appUrl ?? ''}/fees/${receipt}`;
  }
  if (request.invoice) {
    values.fee = request.invoice.name;
    values.amount = money(request.invoice.amountMinor);
    values.amountDue = money(Math.min(request.invoice.unpaidMinor, request.invoice.amountMinor));
    values.dueDate = dayInWords(request.invoice.dueOn, language);
    values.link = studentLink;
  }
  if (request.kind === 'chronic-absence') {
    values.rate = percent(request.payload.rate);
    values.threshold = percent(request.payload.threshold);
    values.link = studentLink;
  }
  if (request.kind === 'at-risk') {
    values.risk = percent(request.payload.risk);
    values.link = studentLink;
  }
  if (request.kind === 'invitation') {
    const role = typeof request.payload.role === 'string' ? request.payload.role : '';
    values.role = roleWords[language][role] ?? role;
    values.link = invitationLinkMarker;
  }
  if (request.kind === 'report-ready') {
    const report = typeof request.payload.report === 'string' ? request.payload.report : '';
    values.report = reportWords[language][report] ?? report;
    // The download link itself lasts minutes: the message points at the app's list, which makes a fresh one.
    values.link = `${school.appUrl ?? ''}${recipient.kind === 'guardian' ? '/children' : '/reports'}`;
  }
  if (request.student) {
    values.studentName = request.student.name;
    values.className = request.student.className ?? '';
  }
  if (request.onDate) values.date = dayInWords(request.onDate, language);
  if (request.mark === 'absent' || request.mark === 'late') values.mark = markWords[language][request.mark];
  for (const [name, value] of Object.entries(request.payload)) {
    if (typeof value === 'string' || typeof value === 'number') values[name] ??= String(value);
  }
  return values;
}

/**
 * The messages of the requests that stand, for each recipient and channel; text messages are
 * counted against the month's budget in the order written.
 */
export function planMessages(
  requests: readonly DueRequest[],
  context: {
    settings: NotificationSettings;
    school: SchoolContext;
    templates: readonly StoredTemplate[];
    smsThisMonth: number;
  },
): { decisions: Decision[]; messages: PlannedMessage[]; smsOverBudget: boolean } {
  const decisions: Decision[] = [];
  const messages: PlannedMessage[] = [];
  let smsUsed = context.smsThisMonth;
  let smsOverBudget = false;
  for (const request of requests) {
    const cancelled = cancellation(request, context.settings);
    if (cancelled) {
      decisions.push({ id: request.id, status: 'cancelled', outcome: cancelled });
      continue;
    }
    const markedBy = typeof request.payload.markedBy === 'string' ? request.payload.markedBy : null;
    let written = 0;
    for (const recipient of request.recipients) {
      // The teacher who took the register is not told of it, even as a guardian.
      if (markedBy && recipient.userSub === markedBy) continue;
      const language = languageOf(recipient.locale ?? context.school.locale);
      const stored = context.templates.find((t) => t.kind === request.kind && t.locale === language);
      const text = renderTemplate(
        stored ?? notificationKinds[request.kind].templates[language],
        valuesFor(request, recipient, language, context.school),
      );
      const base = {
        requestId: request.id,
        recipientId: recipient.id,
        recipientKind: recipient.kind,
        locale: language,
        subject: text.subject,
      };
      const kind: NotificationKind = notificationKinds[request.kind];
      for (const channel of kind.channels ?? channelsFor(recipient, request.category, context.settings)) {
        if (channel !== 'in-app' && !kind.essential && recipient.messagesRefused) continue;
        if (channel === 'in-app') {
          messages.push({ ...base, channel, address: null, body: text.body, status: 'delivered', reason: null });
        } else if (channel === 'push') {
          // Sent to each browser the person allowed; the in-app line is what a notification shows.
          if (!recipient.pushSubscriptions) continue;
          messages.push({ ...base, channel, address: null, body: text.short, status: 'queued', reason: null });
        } else if (channel === 'email') {
          if (!recipient.email) continue;
          const undeliverable = recipient.emailUndeliverable;
          messages.push({
            ...base,
            channel,
            address: recipient.email,
            body: text.body,
            status: undeliverable ? 'failed' : 'queued',
            reason: undeliverable ? 'the address bounced or complained before' : null,
          });
        } else {
          if (!recipient.phone) continue;
          const sms = { ...base, channel, address: recipient.phone, body: text.short };
          if (!e164.test(recipient.phone)) {
            messages.push({ ...sms, status: 'failed', reason: 'the number is not in E.164 form' });
          } else if (recipient.phoneUndeliverable === 'opted-out') {
            messages.push({ ...sms, status: 'opted-out', reason: 'the number replied STOP' });
          } else if (recipient.phoneUndeliverable) {
            messages.push({ ...sms, status: 'failed', reason: 'the carrier said the number does not exist' });
          } else if (smsUsed >= context.settings.sms_monthly_budget) {
            smsOverBudget = true;
            messages.push({ ...sms, status: 'over-budget', reason: "the school's monthly SMS budget is used up" });
          } else {
            smsUsed++;
            messages.push({ ...sms, status: 'queued', reason: null });
          }
        }
        written++;
      }
    }
    decisions.push(
      written
        ? { id: request.id, status: 'dispatched', outcome: null }
        : { id: request.id, status: 'cancelled', outcome: 'no-recipients' },
    );
  }
  return { decisions, messages, smsOverBudget };
}

/** Who each kind of request goes to. */
const recipientsSql = `recipients AS (
    SELECT d.id AS request_id, 'guardian' AS kind, g.id, g.name, g.email, g.phone, g.user_sub
      FROM due d JOIN student_guardians sg ON sg.student_id = d.student_id JOIN guardians g ON g.id = sg.guardian_id
     WHERE d.kind IN ('absence-alert', 'payment-received', 'invoice-issued', 'fee-due-soon', 'fee-overdue')
        -- A student's attendance or risk, where the school lets the guardians hear of it.
        OR (d.kind IN ('chronic-absence', 'at-risk') AND (SELECT risk_notices_to_guardians FROM notification_settings))
    UNION ALL
    -- A student's attendance or risk: the home-room teacher and the school admins, each once.
    SELECT DISTINCT d.id, 'staff', st.id, st.name, st.email, NULL, st.user_sub
      FROM due d JOIN staff st ON st.status = 'active'
       AND (st.role = 'school-admin' OR st.id = (SELECT c.homeroom_teacher_id FROM students s
                                                   JOIN classes c ON c.id = s.class_id WHERE s.id = d.student_id))
     WHERE d.kind IN ('chronic-absence', 'at-risk')
    UNION ALL
    SELECT d.id, 'staff', st.id, st.name, st.email, NULL, st.user_sub
      FROM due d JOIN staff st ON st.role = 'school-admin' AND st.status = 'active'
     WHERE d.kind = 'sms-budget-reached'
    UNION ALL
    -- An invitation goes to the person it made an account for, while they are still of the school.
    SELECT d.id, 'staff', st.id, st.name, st.email, NULL, st.user_sub
      FROM due d JOIN staff st ON st.id = (d.payload->>'personId')::uuid AND st.status = 'active'
     WHERE d.kind = 'invitation' AND d.payload->>'personKind' = 'staff'
    UNION ALL
    SELECT d.id, 'guardian', g.id, g.name, g.email, NULL, g.user_sub
      FROM due d JOIN guardians g ON g.id = (d.payload->>'personId')::uuid
     WHERE d.kind = 'invitation' AND d.payload->>'personKind' = 'guardian'
    UNION ALL
    -- A report goes to whoever asked for it: a member of staff, or a guardian (a fee statement).
    SELECT d.id, 'staff', st.id, st.name, st.email, NULL, st.user_sub
      FROM due d JOIN staff st ON st.user_sub = d.requested_by AND st.status = 'active'
     WHERE d.kind = 'report-ready'
    UNION ALL
    SELECT d.id, 'guardian', g.id, g.name, g.email, g.phone, g.user_sub
      FROM due d JOIN guardians g ON g.user_sub = d.requested_by
     WHERE d.kind = 'report-ready'
  )`;

/** The first statement: the due requests taken, with everything their messages need. */
const takeDueSql = `WITH due AS (
    SELECT r.* FROM notification_requests r
     WHERE r.status = 'pending' AND r.due_at <= now()
     ORDER BY (r.urgency = 'urgent') DESC, r.due_at
     LIMIT :limit
       FOR UPDATE SKIP LOCKED
  ),
  ${recipientsSql},
  school AS (
    SELECT s.name, s.locale, s.currency, s.timezone, (now() AT TIME ZONE s.timezone) AS local_now, n.*
      FROM school_settings s CROSS JOIN notification_settings n
  )
  -- The school's context in the first row, then one row per request: each row well within the Data API's 64 KB.
  SELECT 0 AS part, NULL::text AS request,
    (SELECT to_jsonb(n) FROM notification_settings n)::text AS settings,
    (SELECT json_build_object('name', name, 'locale', locale, 'currency', currency) FROM school)::text AS school,
    (SELECT coalesce(json_agg(json_build_object('kind', kind, 'locale', locale, 'subject', subject, 'body', body,
            'short', short)), '[]') FROM notification_templates)::text AS templates,
    ${smsThisMonthSql} AS "smsThisMonth",
    -- The end of the quiet hours, when they are now.
    (SELECT to_char(((local_now::date + CASE WHEN local_now::time >= quiet_hours_end THEN 1 ELSE 0 END)
                     + quiet_hours_end) AT TIME ZONE timezone AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
       FROM school
      WHERE CASE WHEN quiet_hours_start <= quiet_hours_end
                 THEN local_now::time >= quiet_hours_start AND local_now::time < quiet_hours_end
                 ELSE local_now::time >= quiet_hours_start OR local_now::time < quiet_hours_end END) AS "quietUntil",
    (SELECT to_char(date_trunc('month', local_now), 'YYYY-MM') FROM school) AS month
  UNION ALL
  SELECT 1, json_build_object(
        'id', d.id, 'kind', d.kind, 'category', d.category, 'urgency', d.urgency, 'payload', d.payload,
        'onDate', d.on_date,
        'mark', (SELECT a.status FROM attendance a WHERE a.student_id = d.student_id AND a.on_date = d.on_date),
        'student', (SELECT json_build_object('id', s.id, 'name', s.given_name || ' ' || s.family_name, 'className', c.name)
                      FROM students s LEFT JOIN classes c ON c.id = s.class_id WHERE s.id = d.student_id),
        'invoice', (SELECT json_build_object('name', fs.name, 'amountMinor', i.amount_minor, 'dueOn', i.due_on,
                      'unpaidMinor', i.amount_minor - coalesce((SELECT sum(p.amount_minor) FROM payments p
                                                                 WHERE p.invoice_id = i.id), 0))
                      FROM invoices i JOIN fee_structures fs ON fs.id = i.fee_structure_id
                     WHERE i.id = (d.payload->>'invoiceId')::uuid),
        'recipients', (SELECT coalesce(json_agg(json_build_object(
            'id', rc.id, 'kind', rc.kind, 'name', rc.name, 'email', rc.email, 'phone', rc.phone, 'userSub', rc.user_sub,
            'locale', p.locale, 'channels', p.channels,
            'emailUndeliverable', EXISTS (SELECT 1 FROM undeliverable_addresses u WHERE u.address = lower(rc.email)),
            'phoneUndeliverable', (SELECT u.reason FROM undeliverable_addresses u WHERE u.address = rc.phone),
            'pushSubscriptions', (SELECT count(*) FROM push_subscriptions ps WHERE ps.person_id = rc.id),
            'messagesRefused', rc.kind = 'guardian' AND ${messagesRefusedSql('rc.id')})
            ORDER BY rc.name, rc.id), '[]')
            FROM recipients rc LEFT JOIN notification_preferences p ON p.person_id = rc.id
           WHERE rc.request_id = d.id))::text,
         NULL, NULL, NULL, NULL, NULL, NULL
    FROM due d
  ORDER BY part`;

/**
 * SQL (a CTE named `budget_notice`): when `reached` holds, asks (once a month, `:month`) for the
 * notice to the school admins that the month's SMS budget is used up.
 */
function budgetNotice(reached: string): string {
  return noticeRequestsSql('budget_notice', 'sms-budget-reached', {
    from: `WHERE ${reached}`,
    key: ':month',
    payload:
      "jsonb_build_object('month', :month, 'budget', (SELECT sms_monthly_budget FROM notification_settings)::text)",
    requestedBy: ':auditActor',
  });
}

/** The second statement: messages written, requests settled, the budget notice asked for, all audited. */
const settleSql = `WITH planned AS (
    SELECT * FROM jsonb_to_recordset(:messages::jsonb) AS m(
      request_id uuid, recipient_id uuid, recipient_kind text, channel text, address text, locale text,
      subject text, body text, status text, reason text)
  ),
  written AS (
    INSERT INTO notification_messages
           (request_id, recipient_id, recipient_kind, channel, address, locale, subject, body, status, reason)
    SELECT request_id, recipient_id, recipient_kind, channel, address, locale, subject, body, status, reason FROM planned
    ON CONFLICT (request_id, recipient_id, channel) DO NOTHING
    RETURNING *
  ),
  decided AS (
    SELECT * FROM jsonb_to_recordset(:decisions::jsonb) AS d(id uuid, status text, outcome text)
  ),
  settled AS (
    UPDATE notification_requests q
       SET status = d.status, outcome = d.outcome, dispatched_at = now()
      FROM decided d
     WHERE q.id = d.id AND q.status = 'pending'
    RETURNING q.id, q.kind, q.status, q.outcome, q.student_id
  ),
  postponed AS (
    UPDATE notification_requests SET due_at = :quietUntil::timestamptz
     WHERE id IN (SELECT (jsonb_array_elements_text(:postponed::jsonb))::uuid) AND status = 'pending'
    RETURNING id
  ),
  ${budgetNotice(':smsOverBudget')},
  sent AS (
    SELECT w.id, w.request_id, s.kind, w.recipient_id, w.recipient_kind, w.channel, w.status, w.reason, s.student_id
      FROM written w JOIN settled s ON s.id = w.request_id
  ),
  ${auditEntry({
    action: 'dispatch',
    entity: 'notification',
    // What was sent to whom, never the bodies: those are kept only as long as the school's retention says.
    after: 'sent',
    rows: 'many',
    people: ['recipient_id', 'student_id'],
  })}
  SELECT (SELECT coalesce(json_agg(json_build_object('id', w.id, 'channel', w.channel, 'status', w.status,
            'urgency', q.urgency)), '[]') FROM written w JOIN notification_requests q ON q.id = w.request_id)::text AS written,
         (SELECT count(*) FROM budget_notice)::int AS "budgetNotices"`;

/**
 * An announcement's messages, written in SQL whatever the audience's size (10,000 guardians
 * are one statement, not a reply of 10,000 rows): each person of its audience once per channel
 * of the announcements category, texts counted against the month's budget in a stable order,
 * the request settled and the send audited (recipients, channels and statuses; no bodies).
 */
const expandAnnouncementSql = `WITH q AS (SELECT * FROM notification_requests WHERE id = :id AND status = 'pending'),
  ${audienceSql("(SELECT payload->'audience' FROM q)")},
  ${routedAnnouncementSql},
  school AS (SELECT s.name, s.locale, n.sms_monthly_budget FROM school_settings s, notification_settings n),
  judged AS (
    SELECT r.*,
           (SELECT u.reason FROM undeliverable_addresses u WHERE u.address = lower(r.address) OR u.address = r.address)
             AS undeliverable_because,
           r.channel = 'sms' AND r.address ~ '^\\+[1-9][0-9]{7,14}$' AS e164
      FROM routed r
  ),
  ranked AS (
    SELECT j.*, j.undeliverable_because IS NOT NULL AS undeliverable,
           row_number() OVER (PARTITION BY (j.channel = 'sms' AND j.e164 AND j.undeliverable_because IS NULL) ORDER BY j.id)
             AS sms_rank
      FROM judged j
  ),
  written AS (
    INSERT INTO notification_messages
           (request_id, recipient_id, recipient_kind, channel, address, locale, subject, body, status, reason)
    SELECT q.id, r.id, r.kind, r.channel, r.address, coalesce(r.locale, lower(left(school.locale, 2))),
           q.payload->>'title',
           CASE r.channel WHEN 'sms' THEN school.name || ': ' || (q.payload->>'title')
                          WHEN 'push' THEN left(q.payload->>'body', 240)
                          ELSE (q.payload->>'body') || E'\n\n' || school.name END,
           CASE WHEN r.channel = 'in-app' THEN 'delivered'
                WHEN r.channel = 'email' AND r.undeliverable THEN 'failed'
                WHEN r.channel = 'sms' AND NOT r.e164 THEN 'failed'
                WHEN r.channel = 'sms' AND r.undeliverable_because = 'opted-out' THEN 'opted-out'
                WHEN r.channel = 'sms' AND r.undeliverable THEN 'failed'
                WHEN r.channel = 'sms' AND r.sms_rank > school.sms_monthly_budget - ${smsThisMonthSql} THEN 'over-budget'
                ELSE 'queued' END,
           CASE WHEN r.channel = 'in-app' THEN NULL
                WHEN r.channel = 'email' AND r.undeliverable THEN 'the address bounced or complained before'
                WHEN r.channel = 'sms' AND NOT r.e164 THEN 'the number is not in E.164 form'
                WHEN r.channel = 'sms' AND r.undeliverable_because = 'opted-out' THEN 'the number replied STOP'
                WHEN r.channel = 'sms' AND r.undeliverable THEN 'the carrier said the number does not exist'
                WHEN r.channel = 'sms' AND r.sms_rank > school.sms_monthly_budget - ${smsThisMonthSql}
                  THEN 'the school''s monthly SMS budget is used up' END
      FROM ranked r, q, school
    ON CONFLICT (request_id, recipient_id, channel) DO NOTHING
    RETURNING id, request_id, recipient_id, recipient_kind, channel, status, reason
  ),
  settled AS (
    UPDATE notification_requests SET status = CASE WHEN EXISTS (SELECT 1 FROM written) THEN 'dispatched' ELSE 'cancelled' END,
           outcome = CASE WHEN EXISTS (SELECT 1 FROM written) THEN NULL ELSE 'no-recipients' END, dispatched_at = now()
     WHERE id IN (SELECT id FROM q)
    RETURNING id
  ),
  ${budgetNotice("EXISTS (SELECT 1 FROM written WHERE status = 'over-budget')")},
  ${auditEntry({
    action: 'dispatch',
    entity: 'notification',
    entityId: '(SELECT id::text FROM q)',
    after: 'written',
    rows: 'many',
    people: ['recipient_id'],
  })}
  SELECT (SELECT count(*) FROM written)::int AS messages,
         (SELECT count(*) FROM written WHERE status = 'queued' AND channel IN ('email', 'sms', 'push'))::int AS queued,
         (SELECT count(*) FROM settled)::int AS settled,
         (SELECT count(*) FROM budget_notice)::int AS "budgetNotices"`;

/**
 * Dispatches up to `limit` of the school's due requests, in one transaction of two
 * statements; the session names the dispatcher as the writer of its audit entries.
 */
export async function dispatchDue(
  db: DataApiSession,
  options: { limit?: number; appUrl?: string } = {},
): Promise<DispatchOutcome> {
  const limit = options.limit ?? 100;
  return db.transaction(async () => {
    const [taken, ...rows] = await db.query<{
      request: string | null;
      settings: string;
      school: string;
      templates: string;
      smsThisMonth: number;
      quietUntil: string | null;
      month: string;
    }>(takeDueSql, { limit });
    const requests = rows.map((row) => jsonColumn<DueRequest>(row.request!));
    const empty: DispatchOutcome = {
      dispatched: 0,
      cancelled: 0,
      postponed: 0,
      messages: 0,
      toSend: { urgent: [], bulk: [] },
      sendParts: [],
      requestIds: [],
      more: false,
      nextDueAt: null,
    };
    if (!requests.length) return empty;
    const settings = jsonColumn<NotificationSettings>(taken!.settings);
    // Quiet hours hold back what is not urgent, to their end.
    const held = taken!.quietUntil ? requests.filter((r) => r.urgency !== 'urgent') : [];
    const now = requests.filter((r) => !held.includes(r));
    // Announcements are written to their whole audience in SQL; the others, person by person, here.
    const announcements = now.filter((r) => r.kind === 'announcement');
    const plan = planMessages(
      now.filter((r) => r.kind !== 'announcement'),
      {
        settings,
        school: {
          ...jsonColumn<SchoolContext>(taken!.school),
          appUrl: options.appUrl ?? '',
        },
        templates: jsonColumn(taken!.templates),
        smsThisMonth: taken!.smsThisMonth,
      },
    );
    const [settled] = await db.query<{ written: string; budgetNotices: number }>(settleSql, {
      messages: typed.json(
        plan.messages.map((m) => ({
          request_id: m.requestId,
          recipient_id: m.recipientId,
          recipient_kind: m.recipientKind,
          channel: m.channel,
          address: m.address,
          locale: m.locale,
          subject: m.subject,
          body: m.body,
          status: m.status,
          reason: m.reason,
        })),
      ),
      decisions: typed.json(plan.decisions),
      postponed: typed.json(held.map((r) => r.id)),
      quietUntil: taken!.quietUntil ?? new Date().toISOString(),
      month: taken!.month,
      smsOverBudget: plan.smsOverBudget,
    });
    const written = jsonColumn<{ id: string; channel: Channel; status: string; urgency: 'urgent' | 'bulk' }[]>(
      settled!.written,
    );
    const toSend = { urgent: [] as string[], bulk: [] as string[] };
    for (const message of written) {
      if (message.channel !== 'in-app' && message.status === 'queued') toSend[message.urgency].push(message.id);
    }
    const sendParts: DispatchOutcome['sendParts'] = [];
    let messages = written.length;
    let budgetNotices = settled!.budgetNotices;
    for (const announcement of announcements) {
      const [expanded] = await db.query<{ messages: number; queued: number; settled: number; budgetNotices: number }>(
        expandAnnouncementSql,
        { id: typed.uuid(announcement.id), month: taken!.month },
      );
      messages += expanded!.messages;
      budgetNotices += expanded!.budgetNotices;
      if (expanded!.queued) sendParts.push({ requestId: announcement.id, queued: expanded!.queued });
    }
    return {
      dispatched: plan.decisions.filter((d) => d.status === 'dispatched').length + announcements.length,
      cancelled: plan.decisions.filter((d) => d.status === 'cancelled').length,
      postponed: held.length,
      messages,
      toSend,
      sendParts,
      requestIds: [
        ...plan.decisions.filter((d) => d.status === 'dispatched').map((d) => d.id),
        ...announcements.map((a) => a.id),
      ],
      more: requests.length === limit,
      // The budget notice is due now; held requests at the end of the quiet hours. Others have their own wake-ups.
      nextDueAt: budgetNotices ? new Date().toISOString() : held.length ? taken!.quietUntil : null,
    };
  });
}

/**
 * Messages written but not sent a while after (their queue message lost, or their sender
 * stopped mid-way): the sweep queues them again; the sender's claim makes a second copy harmless.
 */
export async function unsentMessages(
  db: DataApiSession,
  options: { queuedForSeconds: number; claimedForSeconds: number },
): Promise<{ urgent: string[]; bulk: string[] }> {
  const rows = await db.query<{ id: string; urgency: 'urgent' | 'bulk' }>(
    `SELECT m.id, q.urgency FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
      WHERE (m.status = 'queued' AND m.queued_at < now() - make_interval(secs => :queued))
         OR (m.status = 'sending' AND m.claimed_at < now() - make_interval(secs => :claimed))
      ORDER BY m.queued_at LIMIT 2000`,
    { queued: options.queuedForSeconds, claimed: options.claimedForSeconds },
  );
  return {
    urgent: rows.filter((r) => r.urgency === 'urgent').map((r) => r.id),
    bulk: rows.filter((r) => r.urgency === 'bulk').map((r) => r.id),
  };
}
