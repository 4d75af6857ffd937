import * as z from 'zod';
import {
  choosableCategories,
  externalChannels,
  messageLanguages,
  type NotificationKindName,
  notificationCategories,
} from '../../shared/notification-kinds';
import { audience } from '../../shared/notification-audiences';
import { pageQuery } from '../validation';

const channelList = z
  .array(z.enum(externalChannels))
  .max(externalChannels.length)
  .refine((channels) => new Set(channels).size === channels.length, 'names a channel twice');
const perCategory = z.object(Object.fromEntries(choosableCategories.map((c) => [c, channelList.optional()]))).strict();
const time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'is not a time such as 07:30');

/** One message of the caller's in-app inbox. */
export const inboxMessage = z.object({
  id: z.uuid(),
  kind: z.string(),
  category: z.enum(notificationCategories),
  subject: z.string(),
  body: z.string(),
  at: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});
export type InboxMessage = z.infer<typeof inboxMessage>;

export const inboxQuery = z
  .object({
    unread: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** Messages older than this one (the cursor is the last id seen). */
    before: z.uuid().optional(),
  })
  .strict();
export type InboxQuery = z.infer<typeof inboxQuery>;

/** The newest messages first, and how many are unread in all. */
export const inboxPage = z.object({
  items: z.array(inboxMessage),
  unread: z.number().int().min(0),
  nextBefore: z.uuid().nullable(),
});
export type InboxPage = z.infer<typeof inboxPage>;

/** Opens the caller's live connection: `<path>?ticket=<ticket>` on the app's own origin, once, before it expires. */
export const liveTicket = z.object({
  ticket: z.string(),
  expiresAt: z.iso.datetime(),
  path: z.string(),
});
export type LiveTicket = z.infer<typeof liveTicket>;

export const messagePath = z.object({ messageId: z.uuid() }).strict();
export const unreadCount = z.object({ unread: z.number().int().min(0) });

/** A person's choices: their language, and per category the channels beyond in-app. */
export const preferencesInput = z
  .object({
    /** null: the school's language. */
    locale: z.enum(messageLanguages).nullable(),
    channels: perCategory,
  })
  .strict();
export type PreferencesInput = z.infer<typeof preferencesInput>;

/** The choices as the preferences screen shows them: each category with what applies and what is fixed. */
export const preferences = z.object({
  locale: z.enum(messageLanguages).nullable(),
  schoolLocale: z.enum(messageLanguages),
  /** Where messages can reach the person; a channel without its address sends nothing. */
  contact: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
  categories: z.array(
    z.object({
      category: z.enum(choosableCategories),
      /** The channels used now, beyond in-app. */
      channels: z.array(z.enum(externalChannels)),
      /** The person chose them (else they are the school's default). */
      chosen: z.boolean(),
      /** The school requires this category: it cannot be turned off. */
      required: z.boolean(),
    }),
  ),
});
export type Preferences = z.infer<typeof preferences>;

/** The school's rules for notifications. */
export const notificationSettings = z
  .object({
    absenceAlerts: z.boolean(),
    /** Guardians may choose the channels of absence alerts, not turn them off. */
    absenceAlertsRequired: z.boolean(),
    alertOnLate: z.boolean(),
    /** `after-register`: the grace minutes after the register is saved; `at-time`: at the alert time of the day. */
    absenceGrace: z.enum(['after-register', 'at-time']),
    absenceGraceMinutes: z.number().int().min(0).max(480),
    absenceAlertTime: time,
    /** Non-urgent messages wait from this time to the end, in the school's time zone; equal times: no quiet hours. */
    quietHoursStart: time,
    quietHoursEnd: time,
    /** Text messages a month; 0 sends none. */
    smsMonthlyBudget: z.number().int().min(0).max(1_000_000),
    /** Staff are told when the scoring run newly puts a student at risk. */
    riskNotices: z.boolean(),
    riskNoticesToGuardians: z.boolean(),
    /** Staff are told when a student's attendance this year falls below the chronic-absence rate (once a year). */
    chronicAbsenceNotices: z.boolean(),
    /** Guardians are told of each invoice as it is issued. */
    invoiceNotices: z.boolean(),
    /** Days before an invoice falls due that its reminder goes, if still unpaid; 0: no reminder. */
    feeReminderDays: z.number().int().min(0).max(30),
    /** Guardians are reminded the day after an invoice fell due, if still unpaid. */
    overdueReminders: z.boolean(),
    /** When, in the school's time zone, the day's fee reminders and attendance notices are asked for. */
    dailyNoticesTime: time,
    /** Days the wording and address of each message are kept; after them only what was sent to whom, and how it went. */
    messageRetentionDays: z.number().int().min(30).max(3650),
    /** Per category, the channels (beyond in-app) of a person who has not chosen. */
    defaultChannels: perCategory,
  })
  .strict();
export type NotificationSettings = z.infer<typeof notificationSettings>;

/** The settings with this month's text messages counted against the budget. */
export const notificationSettingsView = notificationSettings.extend({
  smsSentThisMonth: z.number().int().min(0),
});
export type NotificationSettingsView = z.infer<typeof notificationSettingsView>;

const deliveryStatuses = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'opted-out',
  'failed',
  'over-budget',
] as const;

export const requestPath = z.object({ requestId: z.uuid() }).strict();

/** A notification request and what became of each of its messages. */
export const deliveryReport = z.object({
  id: z.uuid(),
  kind: z.string(),
  category: z.enum(notificationCategories),
  status: z.enum(['pending', 'dispatched', 'cancelled']),
  outcome: z.string().nullable(),
  dueAt: z.iso.datetime(),
  dispatchedAt: z.iso.datetime().nullable(),
  /** Messages by status. */
  totals: z.partialRecord(z.enum(deliveryStatuses), z.number().int()),
  messages: z.array(
    z.object({
      id: z.uuid(),
      recipientId: z.uuid(),
      recipientName: z.string().nullable(),
      channel: z.enum(['in-app', 'email', 'sms', 'push']),
      address: z.string().nullable(),
      status: z.enum(deliveryStatuses),
      reason: z.string().nullable(),
      updatedAt: z.iso.datetime(),
    }),
  ),
});
export type DeliveryReport = z.infer<typeof deliveryReport>;

export const requestsQuery = z
  .object({
    kind: z
      .string()
      .regex(/^[a-z-]{1,40}$/)
      .optional(),
    studentId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** The cursor a previous page gave out. */
    cursor: pageQuery.cursor,
  })
  .strict();
export type RequestsQuery = z.infer<typeof requestsQuery>;

/** The school's notifications, newest first, each with its messages counted by status. */
export const requestsPage = z.object({
  items: z.array(deliveryReport.omit({ messages: true }).extend({ studentId: z.uuid().nullable() })),
  nextCursor: z.string().nullable(),
});
export type RequestsPage = z.infer<typeof requestsPage>;

const count = z.number().int().min(0);

/** An announcement as its sender writes it. */
export const announcementDraft = z
  .object({
    audience,
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(5000),
  })
  .strict();
export type AnnouncementDraft = z.infer<typeof announcementDraft>;

/** Who it would reach, on which channels, and how it reads. */
export const announcementPreview = z.object({
  recipients: z.object({ guardians: count, staff: count, total: count }),
  channels: z.object({ 'in-app': count, email: count, sms: count, push: count }),
  message: z.object({ subject: z.string(), body: z.string(), short: z.string() }),
});
export type AnnouncementPreview = z.infer<typeof announcementPreview>;

export const announcementInput = announcementDraft
  .extend({
    /** When to send it; absent: now. At most 90 days ahead. */
    sendAt: z.iso.datetime({ offset: true }).optional(),
    /** The sender's own key for this announcement: sending it again sends nothing more. */
    clientKey: z.string().trim().min(8).max(100),
  })
  .strict()
  .refine((a) => !a.sendAt || new Date(a.sendAt).getTime() <= Date.now() + 90 * 86_400_000, {
    message: 'is more than 90 days ahead',
    path: ['sendAt'],
  });
export type AnnouncementInput = z.infer<typeof announcementInput>;

export const announcementCreated = z.object({
  id: z.uuid(),
  dueAt: z.iso.datetime(),
  recipients: count,
  /** False when the client key had already sent it: nothing more was sent. */
  created: z.boolean(),
});
export type AnnouncementCreated = z.infer<typeof announcementCreated>;

/** The kinds of message a school may reword (an announcement is the sender's own words). */
export const editableKinds = [
  'absence-alert',
  'invoice-issued',
  'fee-due-soon',
  'fee-overdue',
  'payment-received',
  'chronic-absence',
  'at-risk',
  'report-ready',
  'sms-budget-reached',
  'invitation',
] as const satisfies readonly Exclude<NotificationKindName, 'announcement'>[];

export const templatePath = z.object({ kind: z.enum(editableKinds), locale: z.enum(messageLanguages) }).strict();

/** A message's wording: the e-mail's subject and body, and the short text of SMS and the in-app line. */
export const templateInput = z
  .object({
    subject: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(5000),
    short: z.string().trim().min(1).max(320),
  })
  .strict();
export type TemplateInput = z.infer<typeof templateInput>;

const wording = templateInput.extend({
  /** The school's own wording (else the one shipped). */
  custom: z.boolean(),
});

/** Each kind of message a school may reword: its variables and its wording per language. */
export const templateList = z.object({
  items: z.array(
    z.object({
      kind: z.enum(editableKinds),
      category: z.enum(notificationCategories),
      variables: z.record(z.string(), z.string()),
      templates: z.object({ en: wording, pt: wording }),
    }),
  ),
});
export type TemplateList = z.infer<typeof templateList>;

export const template = wording.extend({ kind: z.enum(editableKinds), locale: z.enum(messageLanguages) });
export type Template = z.infer<typeof template>;

/** A wording filled with the kind's example values, as a recipient would read it. */
export const templatePreview = z.object({ subject: z.string(), body: z.string(), short: z.string() });
export type TemplatePreview = z.infer<typeof templatePreview>;
