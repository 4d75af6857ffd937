import { useState } from 'preact/hooks';
import { useTerms } from '../../api/lookups';
import type { ChildFeeLines, ReportCard, StudentAnalyticsView, StudentProfile } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import type { ScreenProps } from '../../screens';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Card, Page, Stat } from '../../ui/page';
import { Table } from '../../ui/table';
import { RequestReportButton } from '../reports/request-report';
import { AnalyticsPanels } from '../students/analytics-panels';
import { AttendanceCalendar } from '../students/attendance-calendar';
import { AccessLogCard } from '../privacy/access-log-card';
import { ConsentsCard } from '../privacy/consents-card';
import { DataRequestsCard } from '../privacy/data-requests-card';

/** One child, as their guardian sees them: attendance, grades and report cards, fees, and analytics. */
export default function ChildProfile({ params }: ScreenProps) {
  const { format } = useApp();
  const id = encodeURIComponent(params.studentId!);
  const base = `/api/v1/portal/children/${id}`;
  const [resource, reload] = useApiGet<StudentProfile>(base);
  const [fees] = useApiGet<ChildFeeLines>(`${base}/fees`);
  const [analytics] = useApiGet<StudentAnalyticsView>(`${base}/analytics`);
  const [month, setMonth] = useState(format.today().slice(0, 7));
  const child = resource.data;
  return (
    <Page
      title={child ? `${child.givenName} ${child.familyName}` : t('profile.title')}
      subtitle={child ? `${child.admissionNo} · ${child.className ?? t('profile.noClass')}` : undefined}
      ready={Boolean(child)}
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!child ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat label={t('profile.attendanceRate')} value={format.percent(child.attendance.rate)} />
            <Stat
              label={t('profile.feeBalance')}
              value={format.money(child.feeBalanceMinor)}
              tone={child.feeBalanceMinor > 0 ? 'warn' : 'good'}
            />
          </div>
          <div class="grid-2">
            <Card title={t('profile.attendance')}>
              <AttendanceCalendar path={`${base}/attendance`} month={month} onMonth={setMonth} />
            </Card>
            <Card title={t('profile.grades')}>
              {child.latestGrades.length === 0 ? (
                <EmptyState title={t('profile.noGrades')} />
              ) : (
                <Table
                  compact
                  caption={t('profile.grades')}
                  rows={child.latestGrades}
                  rowKey={(grade) => `${grade.subject}-${grade.term}`}
                  columns={[
                    { header: t('grades.subject'), cell: (grade) => grade.subject },
                    { header: t('grades.term'), cell: (grade) => grade.term },
                    { header: t('grades.percent'), cell: (grade) => format.number(grade.percent, 1), numeric: true },
                  ]}
                />
              )}
            </Card>
            <ReportCardPanel base={base} studentId={params.studentId!} />
            <Card title={t('children.fees')}>
              {fees.status === 'error' ? <ErrorState error={fees.error} /> : null}
              {!fees.data ? (
                <Loading />
              ) : (
                <>
                  <h3 class="subheading">{t('children.invoices')}</h3>
                  {fees.data.invoices.length === 0 ? (
                    <EmptyState title={t('children.noInvoices')} />
                  ) : (
                    <Table
                      compact
                      caption={t('children.invoices')}
                      rows={fees.data.invoices}
                      rowKey={(invoice) => invoice.invoiceId}
                      columns={[
                        { header: t('fees.name'), cell: (invoice) => invoice.name },
                        { header: t('fees.dueOn'), cell: (invoice) => format.date(invoice.dueOn) },
                        {
                          header: t('fees.amount'),
                          cell: (invoice) => format.money(invoice.amountMinor),
                          numeric: true,
                        },
                      ]}
                    />
                  )}
                  <h3 class="subheading">{t('children.payments')}</h3>
                  {fees.data.payments.length === 0 ? (
                    <EmptyState title={t('children.noPayments')} />
                  ) : (
                    <Table
                      compact
                      caption={t('children.payments')}
                      rows={fees.data.payments}
                      rowKey={(payment) => String(payment.receiptNo)}
                      columns={[
                        {
                          header: t('receipt.number'),
                          cell: (payment) => (
                            <a
                              href={`/children/${params.studentId!}/receipts/${payment.paymentId}`}
                              aria-label={t('receipt.title', { receiptNo: payment.receiptNo })}
                            >
                              {payment.receiptNo}
                            </a>
                          ),
                        },
                        { header: t('payment.paidOn'), cell: (payment) => format.date(payment.paidOn) },
                        {
                          header: t('fees.amount'),
                          cell: (payment) => format.money(payment.amountMinor),
                          numeric: true,
                        },
                      ]}
                    />
                  )}
                  <RequestReportButton
                    request={{ kind: 'fee-statement', studentId: params.studentId! }}
                    label={t('children.feeStatement')}
                  />
                </>
              )}
            </Card>
          </div>
          {analytics.status === 'ready' || analytics.status === 'error' ? (
            <AnalyticsPanels analytics={analytics} risk={child.risk} />
          ) : null}
          <ConsentsCard studentId={params.studentId!} guardian />
          <AccessLogCard studentId={params.studentId!} guardian />
          <DataRequestsCard studentId={params.studentId!} guardian />
        </>
      )}
    </Page>
  );
}

function ReportCardPanel({ base, studentId }: { base: string; studentId: string }) {
  const { format } = useApp();
  const { terms, current } = useTerms();
  const [termId, setTermId] = useState('');
  const chosen = termId || current?.id || '';
  const [card] = useApiGet<ReportCard>(chosen ? `${base}/report-card` : undefined, { termId: chosen });
  return (
    <Card title={t('children.reportCard')}>
      <SelectField
        label={t('fees.term')}
        value={chosen}
        onValue={setTermId}
        options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
      />
      {card.status === 'error' ? <ErrorState error={card.error} /> : null}
      {card.data ? (
        <>
          <Table
            compact
            caption={t('children.reportCard')}
            rows={card.data.subjects}
            rowKey={(subject) => subject.subjectId}
            columns={[
              { header: t('grades.subject'), cell: (subject) => subject.subject },
              { header: t('grades.percent'), cell: (subject) => format.number(subject.percent, 1), numeric: true },
              { header: t('grades.grade'), cell: (subject) => subject.grade },
              { header: t('children.passed'), cell: (subject) => (subject.passed ? t('common.yes') : t('common.no')) },
            ]}
          />
          <p class="muted">
            {t('children.average', { percent: format.number(card.data.averagePercent, 1) })} ·{' '}
            {t('calendar.summary', {
              present: card.data.attendance.present,
              days: card.data.attendance.days,
              rate: format.percent(card.data.attendance.rate),
            })}
          </p>
          <RequestReportButton
            request={{ kind: 'report-cards', termId: chosen, studentId }}
            label={t('children.downloadCard')}
          />
        </>
      ) : card.status === 'loading' && chosen ? (
        <Loading />
      ) : null}
    </Card>
  );
}
