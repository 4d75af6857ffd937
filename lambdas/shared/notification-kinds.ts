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
export const externalChannels = ['email', 'sms', 'push'] as const;
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
  /** Variables a school's wording must keep (an invitation without its link invites nobody). @default none */
  readonly required?: readonly string[];
  /** The only channels it goes by. @default in-app, and those chosen for its category */
  readonly channels?: readonly Channel[];
}

/** What an invoice's notices may say, and a preview's values. */
const feeVariables = {
  guardianName: "the guardian's name",
  studentName: "the student's name",
  fee: "the fee's name",
  amount: "the invoice's amount, in the school's currency",
  amountDue: 'what is still unpaid of it',
  dueDate: 'the day it falls due, written out',
  link: "the student's fees in the app",
  schoolName: "the school's name",
} as const;
const feeExample = {
  guardianName: 'Ana Silva',
  studentName: 'João Silva',
  fee: 'Books Term 1',
  amount: '85,00 €',
  amountDue: '85,00 €',
  dueDate: '15 December 2026',
  link: 'https://escola.example/children',
  schoolName: 'Escola Demo',
} as const;

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
  'invoice-issued': {
    category: 'fees',
    urgency: 'bulk',
    essential: true,
    variables: feeVariables,
    templates: {
      en: {
        subject: 'New invoice for {{studentName}}: {{fee}}, {{amount}}',
        body:
          'Dear {{guardianName}},\n\n{{schoolName}} has invoiced {{amount}} for {{studentName}} ({{fee}}), ' +
          'due on {{dueDate}}.\n\nThe invoice and the balance are in Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: invoice of {{amount}} for {{studentName}} ({{fee}}), due {{dueDate}}.',
      },
      pt: {
        subject: 'Nova fatura de {{studentName}}: {{fee}}, {{amount}}',
        body:
          'Caro(a) {{guardianName}},\n\n{{schoolName}} emitiu uma fatura de {{amount}} de {{studentName}} ' +
          '({{fee}}), a pagar até {{dueDate}}.\n\nA fatura e o saldo estão no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: fatura de {{amount}} de {{studentName}} ({{fee}}), a pagar até {{dueDate}}.',
      },
    },
    example: feeExample,
  },
  'fee-due-soon': {
    category: 'fees',
    urgency: 'bulk',
    essential: true,
    variables: feeVariables,
    templates: {
      en: {
        subject: 'Reminder: {{fee}} for {{studentName}} is due on {{dueDate}}',
        body:
          'Dear {{guardianName}},\n\n{{amountDue}} of {{fee}} for {{studentName}} falls due on {{dueDate}}.\n\n' +
          'If you have paid already, thank you: please ignore this reminder. The balance is in Campus Cloud: {{link}}' +
          '\n\n{{schoolName}}',
        short: '{{schoolName}}: {{amountDue}} of {{fee}} for {{studentName}} is due on {{dueDate}}.',
      },
      pt: {
        subject: 'Lembrete: {{fee}} de {{studentName}} a pagar até {{dueDate}}',
        body:
          'Caro(a) {{guardianName}},\n\n{{amountDue}} de {{fee}} de {{studentName}} deve ser pago até {{dueDate}}.\n\n' +
          'Se já pagou, obrigado: ignore este lembrete. O saldo está no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{amountDue}} de {{fee}} de {{studentName}} a pagar até {{dueDate}}.',
      },
    },
    example: feeExample,
  },
  'fee-overdue': {
    category: 'fees',
    urgency: 'bulk',
    essential: true,
    variables: feeVariables,
    templates: {
      en: {
        subject: 'Overdue: {{fee}} for {{studentName}}',
        body:
          'Dear {{guardianName}},\n\n{{amountDue}} of {{fee}} for {{studentName}} fell due on {{dueDate}} and is ' +
          'not paid yet.\n\nPlease pay it, or talk to the school if that is difficult. The balance is in Campus Cloud: ' +
          '{{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{amountDue}} of {{fee}} for {{studentName}} was due on {{dueDate}} and is unpaid.',
      },
      pt: {
        subject: 'Em atraso: {{fee}} de {{studentName}}',
        body:
          'Caro(a) {{guardianName}},\n\n{{amountDue}} de {{fee}} de {{studentName}} devia ter sido pago até ' +
          '{{dueDate}} e ainda não foi.\n\nPague-o, ou fale com a escola se tiver dificuldades. O saldo está no Campus ' +
          'Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{amountDue}} de {{fee}} de {{studentName}} em atraso desde {{dueDate}}.',
      },
    },
    example: feeExample,
  },
  'chronic-absence': {
    category: 'risk',
    urgency: 'bulk',
    essential: false,
    variables: {
      recipientName: "the recipient's name",
      studentName: "the student's name",
      className: 'the class',
      rate: 'the share of school days attended this year',
      threshold: "the school's chronic-absence rate",
      link: "the student's page in the app",
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: '{{studentName}} has attended {{rate}} of school days this year',
        body:
          'Dear {{recipientName}},\n\n{{studentName}} ({{className}}) has attended {{rate}} of the school days ' +
          "recorded this year, below the school's chronic-absence rate of {{threshold}}.\n\n" +
          'The attendance record is in Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{studentName}} has attended {{rate}} of school days this year (below {{threshold}}).',
      },
      pt: {
        subject: '{{studentName}} esteve presente em {{rate}} dos dias de aulas deste ano',
        body:
          'Caro(a) {{recipientName}},\n\n{{studentName}} ({{className}}) esteve presente em {{rate}} dos dias de ' +
          'aulas registados este ano, abaixo da taxa de absentismo crónico da escola ({{threshold}}).\n\n' +
          'O registo de assiduidade está no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short:
          '{{schoolName}}: {{studentName}} presente em {{rate}} dos dias de aulas deste ano (abaixo de {{threshold}}).',
      },
    },
    example: {
      recipientName: 'Ana Silva',
      studentName: 'João Silva',
      className: '7.º A',
      rate: '86%',
      threshold: '90%',
      link: 'https://escola.example/students',
      schoolName: 'Escola Demo',
    },
  },
  'at-risk': {
    category: 'risk',
    urgency: 'bulk',
    essential: false,
    variables: {
      recipientName: "the recipient's name",
      studentName: "the student's name",
      className: 'the class',
      risk: 'the estimated risk of not passing',
      link: "the student's page in the app",
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: '{{studentName}} may need support',
        body:
          'Dear {{recipientName}},\n\nThe latest analytics put {{studentName}} ({{className}}) at risk of not passing ' +
          "(estimated risk {{risk}}). It is an estimate from grades and attendance, to start a conversation: the school's " +
          'staff decide what follows.\n\nWhat the estimate rests on is in Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{studentName}} may need support (estimated risk {{risk}}).',
      },
      pt: {
        subject: '{{studentName}} pode precisar de apoio',
        body:
          'Caro(a) {{recipientName}},\n\nA análise mais recente indica que {{studentName}} ({{className}}) corre o risco ' +
          'de não transitar (risco estimado de {{risk}}). É uma estimativa feita a partir das notas e da assiduidade, para ' +
          'iniciar uma conversa: são os profissionais da escola que decidem o que se segue.\n\nOs fatores da estimativa ' +
          'estão no Campus Cloud: {{link}}\n\n{{schoolName}}',
        short: '{{schoolName}}: {{studentName}} pode precisar de apoio (risco estimado de {{risk}}).',
      },
    },
    example: {
      recipientName: 'Ana Silva',
      studentName: 'João Silva',
      className: '7.º A',
      risk: '72%',
      link: 'https://escola.example/students',
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
  invitation: {
    category: 'account',
    urgency: 'urgent',
    essential: true,
    // The invited person cannot open the app yet: the e-mail is the invitation.
    channels: ['email'],
    required: ['link'],
    variables: {
      recipientName: "the invited person's name",
      role: 'what they are invited as (teacher, guardian…)',
      link: 'where they choose their password (signed; valid for 7 days, once)',
      schoolName: "the school's name",
    },
    templates: {
      en: {
        subject: '{{schoolName}} invites you to its school app',
        body:
          'Dear {{recipientName}},\n\n{{schoolName}} has invited you to its school app as {{role}}. Choose your ' +
          'password here to sign in:\n\n{{link}}\n\nThe link can be used once, within 7 days. If you were not ' +
          'expecting this invitation, you can ignore it.',
        short: '{{schoolName}} invites you to its school app.',
      },
      pt: {
        subject: '{{schoolName}} convida-o para a sua aplicação escolar',
        body:
          'Caro(a) {{recipientName}},\n\n{{schoolName}} convidou-o para a sua aplicação escolar como {{role}}. ' +
          'Escolha aqui a sua palavra-passe para entrar:\n\n{{link}}\n\nA ligação pode ser usada uma vez, nos ' +
          'próximos 7 dias. Se não esperava este convite, pode ignorá-lo.',
        short: '{{schoolName}} convida-o para a sua aplicação escolar.',
      },
    },
    example: {
      recipientName: 'Ana Silva',
      role: 'guardian',
      link: 'https://escola.example/api/invitations/…',
      schoolName: 'Escola Demo',
    },
  },
} as const satisfies Record<string, NotificationKind>;

export type NotificationKindName = keyof typeof notificationKinds;
export const notificationKindNames = Object.keys(notificationKinds) as NotificationKindName[];

/** The kinds whose e-mails carry a one-click unsubscribe link: those not about the person's own child or account. */
export const unsubscribableKinds = notificationKindNames.filter((kind) => !notificationKinds[kind].essential);

/** The words a template's values use, per language: a mark as a guardian reads it. */
export const markWords: Readonly<Record<MessageLanguage, Readonly<Record<'absent' | 'late', string>>>> = {
  en: { absent: 'absent', late: 'late' },
  pt: { absent: 'falta', late: 'atraso' },
};

/** A role as an invitation names it, per language. */
export const roleWords: Readonly<Record<MessageLanguage, Readonly<Record<string, string>>>> = {
  en: { 'school-admin': 'a school administrator', teacher: 'a teacher', bursar: 'the bursar', guardian: 'a guardian' },
  pt: {
    'school-admin': 'administrador(a) da escola',
    teacher: 'professor(a)',
    bursar: 'tesoureiro(a)',
    guardian: 'encarregado(a) de educação',
  },
};

/**
 * What the dispatcher writes where an invitation's link goes: the link is signed when the
 * message is sent, with its own id, so no usable link is ever kept in the school's database.
 */
export const invitationLinkMarker = '[invitation-link]';

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

/** The locale a language's days, amounts and shares are written in. */
export const intlLocaleOf = (language: MessageLanguage) => (language === 'pt' ? 'pt-PT' : 'en-GB');

/** A day written out in the language (`7 December 2026`, `7 de dezembro de 2026`). */
export function dayInWords(date: string, language: MessageLanguage): string {
  return new Intl.DateTimeFormat(intlLocaleOf(language), {
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
