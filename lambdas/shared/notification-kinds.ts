/**
 * What the notification service sends: the categories a person chooses channels for, the
 * channels, and each kind of message with its category, its urgency and the wording shipped
 * in English and Portuguese (a school may reword any of them, per language). The API (settings,
 * templates, previews) and the notification workers both read these.
 */

/** What a person chooses channels for. `account` (budget warnings, invitations) is always sent. */
export const notificationCategories = ['absence', 'risk', 'fees', 'announcements', 'reports', 'account'] as const;
export type NotificationCategory = (typeof notificationCategories)[number];
/** The categories a person may choose channels for. */
export const choosableCategories = ['absence', 'risk', 'fees', 'announcements', 'reports'] as const;
export type ChoosableCategory = (typeof choosableCategories)[number];

/** In-app is every message's channel; the others are chosen. */
export const externalChannels = ['email', 'sms'] as const;
export type ExternalChannel = (typeof externalChannels)[number];
export type Channel = 'in-app' | ExternalChannel;

/** Languages the messages are written in. */
export const messageLanguages = ['en', 'pt'] as const;
export type MessageLanguage = (typeof messageLanguages)[number];

/** The language of messages for a locale (`pt-PT` → `pt`); English where none is written. */
export function languageOf(locale: string | null | undefined): MessageLanguage {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  return (messageLanguages as readonly string[]).includes(language) ? (language as MessageLanguage) : 'en';
}

/** A message's wording: the e-mail's subject and body, and the short text for SMS and the in-app line. */
export interface MessageTemplate {
  readonly subject: string;
  readonly body: string;
  readonly short: string;
}

export interface NotificationKind {
  readonly category: NotificationCategory;
  /** Urgent messages ignore quiet hours and go through the urgent queue. */
  readonly urgency: 'urgent' | 'bulk';
  /** Transactional (about the person's own child or account): sent without an unsubscribe link. */
  readonly essential: boolean;
  /** The variables its templates may use, with what each means (shown in the template editor). */
  readonly variables: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<MessageLanguage, MessageTemplate>>;
  /** Values for a preview of the template. */
  readonly example: Readonly<Record<string, string>>;
}

export const notificationKinds = {
  'absence-alert': {
    category: 'absence',
    urgency: 'urgent',
    essential: true,
    variables: {
      guardianName: "the guardian's name",
      studentName: "the student's name",
      className: 'the class',
      date: 'the day, written out',
      mark: 'absent or late',
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: '{{studentName}} was marked {{mark}} today',
        body:
          'Dear {{guardianName}},\n\n{{studentName}} ({{className}}) was marked {{mark}} on {{date}}.\n\n' +
          'If you know why, please reply to the school or explain the absence in the Campus Cloud app.\n\n{{schoolName}}',
        short: '{{schoolName}}: {{studentName}} was marked {{mark}} on {{date}}. Please tell the school why.',
      },
      pt: {
        subject: '{{studentName}} teve marcação de {{mark}} hoje',
        body:
          'Caro(a) {{guardianName}},\n\n{{studentName}} ({{className}}) teve marcação de {{mark}} em {{date}}.\n\n' +
          'Se souber o motivo, responda à escola ou justifique a falta na aplicação Campus Cloud.\n\n{{schoolName}}',
        short: '{{schoolName}}: {{studentName}} teve marcação de {{mark}} em {{date}}. Informe a escola do motivo.',
      },
    },
    example: {
      guardianName: 'Ana Silva',
      studentName: 'João Silva',
      className: '7.º A',
      date: '7 December 2026',
      mark: 'absent',
      schoolName: 'Escola Demo',
    },
  },
  announcement: {
    category: 'announcements',
    urgency: 'bulk',
    essential: false,
    // The sender writes the words; the dispatcher frames them this way, in SQL, for audiences of thousands.
    variables: { title: "the announcement's title", body: 'its text', schoolName: "the school's name" },
    templates: {
      en: { subject: '{{title}}', body: '{{body}}\n\n{{schoolName}}', short: '{{schoolName}}: {{title}}' },
      pt: { subject: '{{title}}', body: '{{body}}\n\n{{schoolName}}', short: '{{schoolName}}: {{title}}' },
    },
    example: { title: 'Parents evening', body: 'On Thursday at 18:00 in the hall.', schoolName: 'Escola Demo' },
  },
  'payment-received': {
    category: 'fees',
    urgency: 'bulk',
    essential: true,
    variables: {
      guardianName: "the guardian's name",
      studentName: "the student's name",
      amount: "the amount, in the school's currency",
      date: 'the day it was paid, written out',
      receiptNo: 'the receipt number',
      link: "the student's page in the app",
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: 'Payment received for {{studentName}}: {{amount}}',
        body:
          'Dear {{guardianName}},\n\n{{schoolName}} received {{amount}} for {{studentName}} on {{date}} ' +
          '(receipt {{receiptNo}}).\n\nThe receipt and the balance are in Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{amount}} received for {{studentName}} (receipt {{receiptNo}}).',
      },
      pt: {
        subject: 'Pagamento recebido de {{studentName}}: {{amount}}',
        body:
          'Caro(a) {{guardianName}},\n\n{{schoolName}} recebeu {{amount}} de {{studentName}} em {{date}} ' +
          '(recibo {{receiptNo}}).\n\nO recibo e o saldo estão no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: recebidos {{amount}} de {{studentName}} (recibo {{receiptNo}}).',
      },
    },
    example: {
      guardianName: 'Ana Silva',
      studentName: 'João Silva',
      amount: '85,00 €',
      date: '7 December 2026',
      receiptNo: 'R-000123',
      link: 'https://escola.example/children',
      schoolName: 'Escola Demo',
    },
  },
  'report-ready': {
    category: 'reports',
    urgency: 'bulk',
    essential: true,
    variables: {
      recipientName: "the requester's name",
      report: 'what the report is',
      link: 'where it is downloaded, in the app',
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: 'Your report is ready: {{report}}',
        body:
          'Dear {{recipientName}},\n\nThe report you asked for is ready: {{report}}.\n\n' +
          'Download it from Reports in Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: your report is ready ({{report}}).',
      },
      pt: {
        subject: 'O seu relatório está pronto: {{report}}',
        body:
          'Caro(a) {{recipientName}},\n\nO relatório que pediu está pronto: {{report}}.\n\n' +
          'Descarregue-o em Relatórios, no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: o seu relatório está pronto ({{report}}).',
      },
    },
    example: {
      recipientName: 'Ana Silva',
      report: 'report cards',
      link: 'https://escola.example/reports',
      schoolName: 'Escola Demo',
    },
  },
  'sms-budget-reached': {
    category: 'account',
    urgency: 'urgent',
    essential: true,
    variables: { budget: 'text messages a month', month: 'the month', schoolName: "the school's name" },
    templates: {
      en: {
        subject: 'The monthly text-message budget is used up',
        body:
          '{{schoolName}} has sent its {{budget}} text messages for {{month}}. Further text messages this month are ' +
          'not sent (e-mail and in-app messages still are). A school admin can raise the budget in the notification settings.',
        short: 'Text-message budget of {{budget}} for {{month}} used up: further SMS are not sent.',
      },
      pt: {
        subject: 'O orçamento mensal de SMS esgotou',
        body:
          '{{schoolName}} enviou as {{budget}} mensagens de texto de {{month}}. As restantes SMS deste mês não são ' +
          'enviadas (o e-mail e as mensagens na aplicação continuam). Um administrador pode aumentar o orçamento nas ' +
          'definições de notificações.',
        short: 'Orçamento de {{budget}} SMS de {{month}} esgotado: as restantes SMS não são enviadas.',
      },
    },
    example: { budget: '500', month: 'December 2026', schoolName: 'Escola Demo' },
  },
} as const satisfies Record<string, NotificationKind>;

export type NotificationKindName = keyof typeof notificationKinds;
export const notificationKindNames = Object.keys(notificationKinds) as NotificationKindName[];

/** The words a template's values use, per language: a mark as a guardian reads it. */
export const markWords: Readonly<Record<MessageLanguage, Readonly<Record<'absent' | 'late', string>>>> = {
  en: { absent: 'absent', late: 'late' },
  pt: { absent: 'falta', late: 'atraso' },
};

/** A report's kind as its requester reads it, per language. */
export const reportWords: Readonly<Record<MessageLanguage, Readonly<Record<string, string>>>> = {
  en: {
    'report-cards': 'report cards',
    'school-analytics': 'the school analytics report',
    'fee-statement': 'fee statement',
  },
  pt: {
    'report-cards': 'boletins',
    'school-analytics': 'relatório de análise da escola',
    'fee-statement': 'extrato de propinas',
  },
};

/** A day written out in the language (`7 December 2026`, `7 de dezembro de 2026`). */
export function dayInWords(date: string, language: MessageLanguage): string {
  return new Intl.DateTimeFormat(language === 'pt' ? 'pt-PT' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

const placeholder = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The variables a template text names. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(placeholder)].map((match) => match[1]!);
}

/** A template with its variables filled in; a variable with no value is left out. */
export function renderTemplate(template: MessageTemplate, values: Readonly<Record<string, string>>): MessageTemplate {
  const fill = (text: string) => text.replace(placeholder, (_, name: string) => values[name] ?? '');
  return { subject: fill(template.subject), body: fill(template.body), short: fill(template.short) };
}
