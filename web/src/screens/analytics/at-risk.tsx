import type { AtRiskStudent } from '../../api/types';
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
    '/api/analytics/at-risk',
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
    </Page>
  );
}
