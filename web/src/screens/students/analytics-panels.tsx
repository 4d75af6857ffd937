import type { Resource } from '../../app-context';
import type { StudentAnalyticsView, StudentProfile } from '../../api/types';
import { isNotFound, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Card } from '../../ui/page';
import { Table } from '../../ui/table';

/** Risk and what drives it, anomalies, percentiles against class, grade and school, and career suggestions. */
export function AnalyticsPanels({
  analytics,
  risk,
}: {
  analytics: Resource<StudentAnalyticsView | undefined>;
  risk: StudentProfile['risk'];
}) {
  const { format } = useApp();
  if (analytics.status === 'loading') return <Loading />;
  if (analytics.status === 'error') {
    return isNotFound(analytics.error) ? (
      <EmptyState title={t('analytics.notScored')} />
    ) : (
      <ErrorState error={analytics.error} />
    );
  }
  const view = analytics.data;
  if (!view) return null;
  return (
    <div class="grid-2">
      <Card title={t('analytics.riskTitle')}>
        {view.risk === null ? (
          <p>{t('analytics.noRisk')}</p>
        ) : (
          <>
            <p class="big-figure">{format.percent(view.risk)}</p>
            <p class="muted">{t('analytics.riskMeaning')}</p>
            {view.drivers.length ? (
              <ul class="plain-list">
                {view.drivers.map((driver) => (
                  <li key={driver.feature}>
                    <Badge tone={driver.contribution > 0 ? 'warn' : 'good'}>
                      {driver.contribution > 0 ? t('analytics.raises') : t('analytics.lowers')}
                    </Badge>{' '}
                    {driver.text}
                  </li>
                ))}
              </ul>
            ) : null}
            <p class="muted small">
              {t('analytics.model', {
                version: risk?.modelVersion ?? view.modelVersion,
                when: format.dateTime(view.scoredAt),
              })}
            </p>
          </>
        )}
      </Card>
      <Card title={t('analytics.anomaliesTitle')}>
        {view.anomalies.length === 0 ? (
          <EmptyState title={t('analytics.noAnomalies')} />
        ) : (
          <ul class="plain-list">
            {view.anomalies.map((anomaly) => (
              <li key={anomaly.kind}>
                <Badge tone="warn">{t(`analytics.anomaly.${anomaly.kind}`)}</Badge> {anomaly.reason}
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={t('analytics.percentilesTitle')}>
        {view.percentiles.length === 0 ? (
          <EmptyState title={t('analytics.noPercentiles')} />
        ) : (
          <Table
            compact
            caption={t('analytics.percentilesTitle')}
            rows={view.percentiles}
            rowKey={(row) => row.subject}
            columns={[
              { header: t('grades.subject'), cell: (row) => row.name },
              { header: t('analytics.inClass'), cell: (row) => format.number(row.class), numeric: true },
              { header: t('analytics.inGrade'), cell: (row) => format.number(row.grade), numeric: true },
              { header: t('analytics.inSchool'), cell: (row) => format.number(row.school), numeric: true },
            ]}
          />
        )}
      </Card>
      <Card title={t('analytics.careersTitle')}>
        {view.careers.length === 0 ? (
          <EmptyState title={t('analytics.noCareers')} />
        ) : (
          <ol class="plain-list">
            {view.careers.map((career) => (
              <li key={career.clusterId}>
                <strong>{career.name}</strong>
                <br />
                <span class="muted">{career.reason}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
