import { figures, finishDocument, heading, paragraph, startDocument, table } from '../shared/pdf-layout';
import { cell } from './export-archive';
import type { RecordPart } from './student-records';

/** The school as the summary names it and writes its numbers. */
export interface SummarySchool {
  readonly name: string;
  readonly locale: string;
  readonly currency: string;
}

type Row = Record<string, unknown>;

const texts = {
  en: {
    title: 'Personal data held by the school',
    subtitle: (name: string, date: string) => `About ${name} and their guardians · prepared ${date}`,
    intro:
      'This is a copy of everything the school holds about the student and their guardians in Campus Cloud, as the law gives a family the right to have. The data/ folder holds each part in full, as JSON (for another system) and CSV (for a spreadsheet); manifest.json lists every file with its rows and SHA-256 checksum.',
    marked: 'Days marked',
    scores: 'Scores',
    invoices: 'Invoices',
    messages: 'Messages',
    student: 'Student',
    field: 'Field',
    value: 'Value',
    studentFields: {
      admission_no: 'Admission number',
      given_name: 'Given name',
      family_name: 'Family name',
      date_of_birth: 'Date of birth',
      class: 'Class',
      status: 'Status',
      enrolled_on: 'Enrolled on',
    } as Record<string, string>,
    guardians: 'Guardians',
    name: 'Name',
    email: 'E-mail',
    phone: 'Phone',
    relationship: 'Relationship',
    none: 'None held.',
    attendance: 'Attendance by school year',
    year: 'Year',
    present: 'Present',
    late: 'Late',
    absent: 'Absent',
    excused: 'Excused',
    grades: 'Results by school year and subject',
    subject: 'Subject',
    average: 'Average',
    fees: 'Fees',
    invoiced: 'Invoiced',
    paid: 'Paid',
    balance: 'Balance',
    analytics: 'Analytics and automated decisions',
    analyticsHow:
      "The school may compute an estimate of how likely a student is to need support. It reads only the student's term grades, the number of subjects failed in past years and days absent; never their family, health, origin or any other personal trait. It is a prompt for staff: teachers and the school decide what to do, and no decision about the student is made by the computation alone. A guardian can refuse or withdraw consent to it, and its results are then removed.",
    analyticsHeld: (risk: string, date: string) =>
      `The latest estimate: ${risk} likelihood of needing support, computed ${date}.`,
    analyticsNone: 'No analytics are held about the student.',
    drivers: 'What weighed most in it',
    consents: 'Consents in force',
    purpose: 'Purpose',
    status: 'Decision',
    when: 'When',
    accessed: 'Who has looked at the record',
    accessedCount: (n: number) => `${n} reads of the student's record are logged; the latest:`,
    who: 'Who',
    role: 'Role',
    part: 'Part',
    audit: (n: number) =>
      `${n} changes to the records are in the school's audit log; data/audit-log.json has each with the rows about the student and guardians.`,
    contents: 'Contents of the archive',
    file: 'File',
    rows: 'Rows',
  },
  pt: {
    title: 'Dados pessoais guardados pela escola',
    subtitle: (name: string, date: string) => `Sobre ${name} e os seus encarregados de educação · preparado em ${date}`,
    intro:
      'Esta é uma cópia de tudo o que a escola guarda sobre o aluno e os seus encarregados de educação no Campus Cloud, como a lei dá à família o direito de ter. A pasta data/ tem cada parte completa, em JSON (para outro sistema) e CSV (para uma folha de cálculo); o manifest.json lista cada ficheiro com as suas linhas e a soma de verificação SHA-256.',
    marked: 'Dias registados',
    scores: 'Classificações',
    invoices: 'Faturas',
    messages: 'Mensagens',
    student: 'Aluno',
    field: 'Campo',
    value: 'Valor',
    studentFields: {
      admission_no: 'Número de aluno',
      given_name: 'Nome próprio',
      family_name: 'Apelido',
      date_of_birth: 'Data de nascimento',
      class: 'Turma',
      status: 'Situação',
      enrolled_on: 'Matriculado em',
    } as Record<string, string>,
    guardians: 'Encarregados de educação',
    name: 'Nome',
    email: 'E-mail',
    phone: 'Telefone',
    relationship: 'Parentesco',
    none: 'Nenhum registo.',
    attendance: 'Assiduidade por ano letivo',
    year: 'Ano',
    present: 'Presente',
    late: 'Atrasado',
    absent: 'Falta',
    excused: 'Justificada',
    grades: 'Resultados por ano letivo e disciplina',
    subject: 'Disciplina',
    average: 'Média',
    fees: 'Propinas',
    invoiced: 'Faturado',
    paid: 'Pago',
    balance: 'Saldo',
    analytics: 'Análises e decisões automatizadas',
    analyticsHow:
      'A escola pode calcular uma estimativa da probabilidade de um aluno precisar de apoio. Lê apenas as notas de período do aluno, o número de disciplinas em que reprovou em anos anteriores e as faltas; nunca a família, a saúde, a origem ou qualquer outro traço pessoal. Serve de alerta aos professores: são eles e a escola que decidem o que fazer, e nenhuma decisão sobre o aluno é tomada apenas pelo cálculo. O encarregado de educação pode recusar ou retirar o consentimento, e os resultados são então apagados.',
    analyticsHeld: (risk: string, date: string) =>
      `A estimativa mais recente: ${risk} de probabilidade de precisar de apoio, calculada em ${date}.`,
    analyticsNone: 'A escola não guarda análises sobre o aluno.',
    drivers: 'O que mais pesou',
    consents: 'Consentimentos em vigor',
    purpose: 'Finalidade',
    status: 'Decisão',
    when: 'Quando',
    accessed: 'Quem consultou o processo',
    accessedCount: (n: number) => `Estão registadas ${n} consultas do processo do aluno; as mais recentes:`,
    who: 'Quem',
    role: 'Função',
    part: 'Parte',
    audit: (n: number) =>
      `Há ${n} alterações aos registos no histórico de auditoria da escola; data/audit-log.json tem cada uma com as linhas sobre o aluno e os encarregados.`,
    contents: 'Conteúdo do arquivo',
    file: 'Ficheiro',
    rows: 'Linhas',
  },
};

export type SummaryTexts = (typeof texts)['en'];

/** The summary's language: Portuguese for a school writing Portuguese, English otherwise. */
export const summaryTexts = (locale: string): SummaryTexts => (locale.startsWith('pt') ? texts.pt : texts.en);

const rowsOf = (parts: readonly RecordPart[], name: string): readonly Row[] =>
  parts.find((part) => part.name === name)?.rows ?? [];
const text = (value: unknown) => cell(value) || '—';

/** A readable summary of the export, in the school's language: who, what the school holds, and how it is used. */
export async function renderExportSummary(
  school: SummarySchool,
  parts: readonly RecordPart[],
  preparedOn: Date,
): Promise<{ pdf: Buffer; pages: number }> {
  const t = summaryTexts(school.locale);
  const money = new Intl.NumberFormat(school.locale, { style: 'currency', currency: school.currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits ?? 2;
  const formatMoney = (minor: number) => money.format(minor / 10 ** minorDigits);
  const formatDate = (iso: unknown) =>
    typeof iso === 'string'
      ? new Intl.DateTimeFormat(school.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso))
      : '—';
  const percent = new Intl.NumberFormat(school.locale, { style: 'percent', maximumFractionDigits: 0 });

  const [student] = rowsOf(parts, 'student');
  const name = student ? `${text(student.given_name)} ${text(student.family_name)}` : '—';
  const doc = startDocument({
    school: school.name,
    title: t.title,
    subtitle: t.subtitle(name, formatDate(preparedOn.toISOString())),
  });
  paragraph(doc, t.intro);
  const attendance = rowsOf(parts, 'attendance');
  const grades = rowsOf(parts, 'grades');
  figures(doc, [
    { label: t.marked, value: String(attendance.length) },
    { label: t.scores, value: String(grades.length) },
    { label: t.invoices, value: String(rowsOf(parts, 'invoices').length) },
    { label: t.messages, value: String(rowsOf(parts, 'notifications').length) },
  ]);

  heading(doc, t.student);
  table(
    doc,
    [
      { label: t.field, width: 180 },
      { label: t.value, width: 300 },
    ],
    Object.entries(t.studentFields).map(([field, label]) => [
      label,
      field.endsWith('_on') || field === 'date_of_birth' ? formatDate(student?.[field]) : text(student?.[field]),
    ]),
  );

  heading(doc, t.guardians);
  const guardians = rowsOf(parts, 'guardians');
  if (!guardians.length) paragraph(doc, t.none, { muted: true });
  else {
    table(
      doc,
      [
        { label: t.name, width: 140 },
        { label: t.email, width: 170 },
        { label: t.phone, width: 100 },
        { label: t.relationship, width: 85 },
      ],
      guardians.map((g) => [text(g.name), text(g.email), text(g.phone), text(g.relationship)]),
    );
  }

  // Attendance and results by the school year each day falls in (the enrolments say which).
  const years = rowsOf(parts, 'enrolments');
  const yearOf = (date: unknown) =>
    text(years.find((y) => text(y.starts_on) <= text(date) && text(date) <= text(y.ends_on))?.academic_year);
  heading(doc, t.attendance);
  const byYear = new Map<string, Record<string, number>>();
  for (const mark of attendance) {
    const counts = byYear.get(yearOf(mark.date)) ?? { present: 0, late: 0, absent: 0, excused: 0 };
    counts[String(mark.status)] = (counts[String(mark.status)] ?? 0) + 1;
    byYear.set(yearOf(mark.date), counts);
  }
  if (!byYear.size) paragraph(doc, t.none, { muted: true });
  else {
    table(
      doc,
      [
        { label: t.year, width: 120 },
        { label: t.present, width: 90, align: 'right' },
        { label: t.late, width: 90, align: 'right' },
        { label: t.absent, width: 90, align: 'right' },
        { label: t.excused, width: 90, align: 'right' },
      ],
      [...byYear].map(([year, c]) => [year, String(c.present), String(c.late), String(c.absent), String(c.excused)]),
    );
  }

  heading(doc, t.grades);
  const results = new Map<string, { year: string; subject: string; sum: number; weight: number }>();
  for (const g of grades) {
    const key = `${text(g.academic_year)}\u0000${text(g.subject)}`;
    const r = results.get(key) ?? { year: text(g.academic_year), subject: text(g.subject), sum: 0, weight: 0 };
    const weight = Number(g.weight);
    r.sum += (Number(g.score) / Number(g.max_score)) * weight;
    r.weight += weight;
    results.set(key, r);
  }
  if (!results.size) paragraph(doc, t.none, { muted: true });
  else {
    table(
      doc,
      [
        { label: t.year, width: 120 },
        { label: t.subject, width: 250 },
        { label: t.average, width: 110, align: 'right' },
      ],
      [...results.values()].map((r) => [r.year, r.subject, percent.format(r.sum / r.weight)]),
    );
  }

  heading(doc, t.fees);
  const invoiced = rowsOf(parts, 'invoices').reduce((sum, i) => sum + Number(i.amount_minor), 0);
  const paid = rowsOf(parts, 'payments').reduce((sum, p) => sum + Number(p.amount_minor), 0);
  figures(doc, [
    { label: t.invoiced, value: formatMoney(invoiced) },
    { label: t.paid, value: formatMoney(paid) },
    { label: t.balance, value: formatMoney(invoiced - paid) },
  ]);

  heading(doc, t.analytics);
  paragraph(doc, t.analyticsHow);
  const [analytics] = rowsOf(parts, 'analytics');
  if (!analytics) paragraph(doc, t.analyticsNone, { muted: true });
  else {
    paragraph(doc, t.analyticsHeld(percent.format(Number(analytics.risk)), formatDate(analytics.scored_at)));
    const drivers = Array.isArray(analytics.drivers) ? (analytics.drivers as Row[]) : [];
    if (drivers.length) {
      table(
        doc,
        [{ label: t.drivers, width: 480 }],
        drivers.map((d) => [text(d.text ?? d.feature)]),
      );
    }
  }

  heading(doc, t.consents);
  const inForce = new Map<string, Row>();
  for (const c of rowsOf(parts, 'consents')) inForce.set(String(c.purpose), c);
  if (!inForce.size) paragraph(doc, t.none, { muted: true });
  else {
    table(
      doc,
      [
        { label: t.purpose, width: 140 },
        { label: t.status, width: 120 },
        { label: t.when, width: 220 },
      ],
      [...inForce.values()].map((c) => [text(c.purpose), text(c.status), formatDate(c.recorded_at)]),
    );
  }

  heading(doc, t.accessed);
  const reads = rowsOf(parts, 'access-log');
  paragraph(doc, t.accessedCount(reads.length));
  if (reads.length) {
    table(
      doc,
      [
        { label: t.when, width: 130 },
        { label: t.who, width: 170 },
        { label: t.role, width: 90 },
        { label: t.part, width: 90 },
      ],
      reads
        .slice(-10)
        .reverse()
        .map((r) => [formatDate(r.at), text(r.who), text(r.role), text(r.part)]),
    );
  }
  paragraph(doc, t.audit(rowsOf(parts, 'audit-log').length));

  heading(doc, t.contents);
  table(
    doc,
    [
      { label: t.file, width: 300 },
      { label: t.rows, width: 100, align: 'right' },
    ],
    parts.map((part) => [`data/${part.name}.json, .csv`, String(part.rows.length)]),
  );
  return finishDocument(doc);
}

/** The archive's README: what each file is, in the school's language and in English. */
export function exportReadMe(school: SummarySchool, parts: readonly RecordPart[]): string {
  const lines = (t: SummaryTexts) => [
    t.title,
    '',
    t.intro,
    '',
    `${t.contents}:`,
    ...parts.map((p) => `  data/${p.name}.json / .csv — ${p.rows.length} ${t.rows.toLowerCase()}`),
    '',
    t.analytics,
    t.analyticsHow,
  ];
  const own = summaryTexts(school.locale);
  return [...lines(own), ...(own === texts.en ? [] : ['', '---', '', ...lines(texts.en)])].join('\n') + '\n';
}
