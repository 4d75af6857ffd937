import type { AnalyticsOverview, AtRiskStudent } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Page } from '../../ui/page';
import { Pager, Table } from '../../ui/table';

/** Students at or above the school's at-risk threshold, riskiest first, with what drives their risk. */
export default function AtRisk() {
  const { format } = useApp();
  const { search } = useLocation();
  const cursor = search.get('cursor') ?? undefined;
  const [resource, reload] = useApiGet<{ items: AtRiskStudent[]; nextCursor: string | null; threshold: number }>(
    '/api/v1/analytics/at-risk',
    { cursor, limit: 25 },
  );
  const page = resource.data;
  return (
    <Page
      title={t('atRisk.title')}
      subtitle={page ? t('atRisk.threshold', { threshold: format.percent(page.threshold) }) : undefined}
      ready={resource.status !== 'loading'}
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('atRisk.none')} />
      ) : (
        <>
          <Table
            caption={t('atRisk.title')}
            rows={page.items}
            rowKey={(student) => student.studentId}
            columns={[
              {
                header: t('student.name'),
                cell: (student) => <a href={`/students/${student.studentId}`}>{student.name}</a>,
              },
              { header: t('student.class'), cell: (student) => student.className ?? '—' },
              { header: t('profile.risk'), cell: (student) => format.percent(student.risk), numeric: true },
              {
                header: t('classAnalytics.drivers'),
                cell: (student) => student.drivers.map((driver) => driver.text).join('; '),
                wide: true,
              },
            ]}
          />
          <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => setQuery({ cursor: next })} />
        </>
      )}
      <ModelAtSchool />
    </Page>
  );
}

/** How far to trust the risks: how the model did at this school last year, or that it cannot tell yet. */
function ModelAtSchool() {
  const { format } = useApp();
  const [resource] = useApiGet<AnalyticsOverview>('/api/v1/analytics/overview');
  const record = resource.data?.modelAtSchool;
  if (!record) return null;
  if (record.status === 'cannot-tell-yet') {
    return <p class="model-at-school">{t(`atRisk.modelCannotTell.${record.reason}`)}</p>;
  }
  const setups = (['A', 'B', 'C'] as const).flatMap((setup) => {
    const figures = record.bySetup[setup];
    return figures ? [{ setup, ...figures }] : [];
  });
  return (
    <section class="model-at-school" aria-labelledby="model-at-school">
      <h2 id="model-at-school">{t('atRisk.modelTitle', { year: record.academicYear })}</h2>
      <p>
        {t('atRisk.modelSummary', {
          students: format.number(record.students),
          passRate: format.percent(record.passRate),
        })}{' '}
        {record.calibrated.length ? t('atRisk.modelCalibrated') : t('atRisk.modelNotCalibrated')}
      </p>
      <ul>
        {setups.map((figures) => (
          <li key={figures.setup}>
            {t(`atRisk.modelSetup.${figures.setup}`, {
              accuracy: format.percent(figures.accuracy),
              n: format.number(figures.n),
              predicted: format.percent(figures.predictedFailRate),
              observed: format.percent(figures.observedFailRate),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
