import { gradeFor } from '../shared/grading';
import {
  barChart,
  figures,
  finishDocument,
  heading,
  lineChart,
  newPage,
  paragraph,
  startDocument,
  table,
} from '../shared/pdf-layout';
import type { FeeStatement, ReportCards, SchoolAnalytics, SchoolHeader } from './report-data';

/** Numbers, money and dates as the school writes them. */
export function schoolFormats(school: Pick<SchoolHeader, 'locale' | 'currency'>) {
  const money = new Intl.NumberFormat(school.locale, { style: 'currency', currency: school.currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits ?? 2;
  const dates = new Intl.DateTimeFormat(school.locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const percent = new Intl.NumberFormat(school.locale, { style: 'percent', maximumFractionDigits: 1 });
  return {
    money: (minor: number) => money.format(minor / 10 ** minorDigits),
    date: (isoDate: string) => dates.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`)),
    percent: (fraction: number) => percent.format(fraction),
  };
}

export interface RenderedReport {
  readonly pdf: Buffer;
  readonly pages: number;
}

/** Term report cards: one page per student, results on the school's scale, attendance, pass or not. */
export async function renderReportCards(school: SchoolHeader, data: ReportCards): Promise<RenderedReport> {
  const format = schoolFormats(school);
  const period = `${data.term.year}, ${data.term.name} (${format.date(data.term.startsOn)} – ${format.date(data.term.endsOn)})`;
  const doc = startDocument({ school: school.name, title: 'Term report card', subtitle: period });
  data.cards.forEach((card, i) => {
    if (i > 0) newPage(doc);
    heading(doc, `${card.name}`);
    paragraph(doc, `Admission number ${card.admissionNo}${card.className ? ` · Class ${card.className}` : ''}`, {
      muted: true,
    });
    const overall = card.subjects.length
      ? card.subjects.reduce((sum, s) => sum + s.percent, 0) / card.subjects.length
      : null;
    const { present, late, absent, excused } = card.attendance;
    const marked = present + late + absent + excused;
    figures(doc, [
      { label: 'Overall', value: overall === null ? '—' : `${overall.toFixed(1)} %` },
      { label: 'Grade', value: overall === null ? '—' : gradeFor(overall, school.gradingScale) },
      { label: 'Attendance', value: marked ? format.percent((present + late) / marked) : '—' },
      { label: 'Days absent', value: String(absent + excused) },
    ]);
    heading(doc, 'Results');
    if (card.subjects.length === 0) paragraph(doc, 'No assessed work this term yet.', { muted: true });
    else {
      table(
        doc,
        [
          { label: 'Subject', width: 4 },
          { label: 'Assessments', width: 2, align: 'right' },
          { label: 'Result', width: 2, align: 'right' },
          { label: 'Grade', width: 2, align: 'right' },
          { label: '', width: 2 },
        ],
        card.subjects.map((s) => [
          s.subject,
          String(s.assessments),
          `${s.percent.toFixed(1)} %`,
          gradeFor(s.percent, school.gradingScale),
          s.percent >= school.passMarkPercent ? 'passed' : 'below pass mark',
        ]),
      );
    }
    heading(doc, 'Attendance this term');
    paragraph(
      doc,
      `${marked} days marked: ${present} present, ${late} late, ${absent} absent, ${excused} excused. Pass mark ${school.passMarkPercent} %.`,
    );
  });
  if (data.cards.length === 0) paragraph(doc, 'No students in this scope.', { muted: true });
  return finishDocument(doc);
}

/** The school analytics report: enrolment, attendance trend, grade distribution, at-risk list, anomalies. */
export async function renderSchoolAnalytics(
  school: SchoolHeader,
  data: SchoolAnalytics,
  today: string,
): Promise<RenderedReport> {
  const format = schoolFormats(school);
  const doc = startDocument({
    school: school.name,
    title: 'School analytics report',
    subtitle: `As of ${format.date(today)}${data.modelVersion ? ` · at-risk model ${data.modelVersion}` : ''}`,
  });
  const students = data.enrolment.reduce((sum, g) => sum + g.students, 0);
  const latestRate = data.attendanceTrend.at(-1)?.rate;
  figures(doc, [
    { label: 'Students enrolled', value: String(students) },
    { label: 'Attendance, latest week', value: latestRate === undefined ? '—' : format.percent(latestRate) },
    { label: `At risk (${Math.round(school.atRiskThreshold * 100)} % or more)`, value: String(data.atRisk.length) },
    { label: 'Students with anomalies', value: String(data.anomalies.length) },
  ]);
  barChart(
    doc,
    'Enrolment by grade',
    data.enrolment.map((g) => ({ label: g.grade, value: g.students })),
  );
  lineChart(
    doc,
    'Attendance rate by week',
    data.attendanceTrend.map((w) => ({ label: format.date(w.week), value: w.rate })),
    { max: 1, format: (v) => `${Math.round(v * 100)} %` },
  );
  // The school's own grade bands, lowest first, with how many students' overall result falls in each.
  const bands = [...school.gradingScale].sort((a, b) => a.minPercent - b.minPercent);
  barChart(
    doc,
    'Grade distribution (overall result this year)',
    bands.map((band) => ({
      label: `${band.label} (${band.minPercent}+)`,
      value: data.overallResults.filter((r) => gradeFor(r, school.gradingScale) === band.label).length,
    })),
  );
  heading(doc, 'Students at risk of ending the year below the pass mark');
  if (data.atRisk.length === 0) paragraph(doc, 'No student is at risk on the latest scores.', { muted: true });
  else {
    table(
      doc,
      [
        { label: 'Student', width: 3 },
        { label: 'Class', width: 1 },
        { label: 'Risk', width: 1, align: 'right' },
        { label: 'Main reasons', width: 5 },
      ],
      data.atRisk.map((s) => [s.name, s.className ?? '—', format.percent(s.risk), s.drivers.join('; ')]),
    );
  }
  heading(doc, 'Sudden drops in attendance or grades');
  if (data.anomalies.length === 0) paragraph(doc, 'No anomaly on the latest scores.', { muted: true });
  else {
    table(
      doc,
      [
        { label: 'Student', width: 3 },
        { label: 'Class', width: 1 },
        { label: 'What changed', width: 6 },
      ],
      data.anomalies.map((s) => [s.name, s.className ?? '—', s.reasons.join('; ')]),
    );
  }
  paragraph(
    doc,
    `${data.scored} of ${students} students scored${data.scoredAt ? `, latest ${format.date(data.scoredAt)}` : ''}. Risk is a model's estimate from grades, attendance and repeated years only; read it with what teachers know.`,
    { muted: true },
  );
  return finishDocument(doc);
}

/** A fee statement for a student's guardians: invoices, payments and the balance. */
export async function renderFeeStatement(
  school: SchoolHeader,
  data: FeeStatement,
  today: string,
): Promise<RenderedReport> {
  const format = schoolFormats(school);
  const doc = startDocument({
    school: school.name,
    title: 'Fee statement',
    subtitle: `${data.name} · ${data.admissionNo}${data.className ? ` · Class ${data.className}` : ''} · ${format.date(today)}`,
  });
  if (data.guardians.length) paragraph(doc, `For ${data.guardians.join(' and ')}`, { muted: true });
  const invoiced = data.invoices.reduce((sum, i) => sum + i.amountMinor, 0);
  const paid = data.payments.reduce((sum, p) => sum + p.amountMinor, 0);
  figures(doc, [
    { label: 'Invoiced', value: format.money(invoiced) },
    { label: 'Paid', value: format.money(paid) },
    { label: invoiced - paid >= 0 ? 'Balance due' : 'In credit', value: format.money(Math.abs(invoiced - paid)) },
  ]);
  heading(doc, 'Invoices');
  table(
    doc,
    [
      { label: 'Fee', width: 4 },
      { label: 'Issued', width: 2 },
      { label: 'Due', width: 2 },
      { label: 'Amount', width: 2, align: 'right' },
    ],
    data.invoices.map((i) => [i.fee, format.date(i.issuedOn), format.date(i.dueOn), format.money(i.amountMinor)]),
  );
  heading(doc, 'Payments');
  if (data.payments.length === 0) paragraph(doc, 'No payments recorded.', { muted: true });
  else {
    table(
      doc,
      [
        { label: 'Receipt', width: 2 },
        { label: 'Paid on', width: 2 },
        { label: 'Method', width: 3 },
        { label: 'Amount', width: 2, align: 'right' },
      ],
      data.payments.map((p) => [String(p.receiptNo), format.date(p.paidOn), p.method, format.money(p.amountMinor)]),
    );
  }
  return finishDocument(doc);
}
