import { useState } from 'preact/hooks';
import type { PrivacyReport } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Card, Page, Stat } from '../../ui/page';
import { Table } from '../../ui/table';

/** The operator's report of families' data requests across the stage: counts by school, no person. */
export default function PrivacyReportScreen() {
  const { format } = useApp();
  const [days, setDays] = useState('30');
  const [resource, reload] = useApiGet<PrivacyReport>('/api/v1/platform/privacy-requests', { days });
  const report = resource.data;
  return (
    <Page title={t('privacyReport.title')} subtitle={t('privacyReport.lead')} ready={Boolean(report)}>
      <Card>
        <SelectField
          label={t('privacyReport.period')}
          value={days}
          onValue={setDays}
          options={['7', '30', '90', '365'].map((value) => ({
            value,
            label: t('privacyReport.days', { count: Number(value) }),
          }))}
        />
      </Card>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!report ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat label={t('privacyReport.requested')} value={format.number(report.totals.requested)} />
            <Stat label={t('privacyReport.answered')} value={format.number(report.totals.answered)} />
            <Stat
              label={t('privacyReport.open')}
              value={format.number(report.totals.open)}
              tone={report.totals.open ? 'warn' : 'good'}
            />
            <Stat
              label={t('privacyReport.overdue')}
              value={format.number(report.totals.overdue)}
              tone={report.totals.overdue ? 'bad' : 'good'}
            />
          </div>
          {report.schools.length === 0 ? (
            <EmptyState title={t('privacyReport.none')} />
          ) : (
            <Table
              caption={t('privacyReport.bySchool')}
              rows={report.schools}
              rowKey={(school) => school.schoolId}
              columns={[
                { header: t('privacyReport.school'), cell: (school) => `${school.name} (${school.slug})` },
                {
                  header: t('privacyReport.requested'),
                  cell: (school) => format.number(school.requested),
                  numeric: true,
                },
                {
                  header: t('privacyReport.answered'),
                  cell: (school) => format.number(school.answered),
                  numeric: true,
                },
                { header: t('privacyReport.failed'), cell: (school) => format.number(school.failed), numeric: true },
                { header: t('privacyReport.open'), cell: (school) => format.number(school.open), numeric: true },
                { header: t('privacyReport.overdue'), cell: (school) => format.number(school.overdue), numeric: true },
                {
                  header: t('privacyReport.median'),
                  cell: (school) => format.number(school.medianHoursToAnswer, 1),
                  numeric: true,
                },
              ]}
            />
          )}
        </>
      )}
    </Page>
  );
}
