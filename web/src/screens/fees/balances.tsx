import { useLookup } from '../../api/lookups';
import type { Page as ApiPage, StudentBalance } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Page } from '../../ui/page';
import { Pager, Table } from '../../ui/table';

/** What each student owes: all balances (by class, owing only), or the overdue list as of today. */
export default function Balances() {
  const { format } = useApp();
  const { search } = useLocation();
  const classes = useLookup('/api/v1/classes');
  const view = search.get('view') === 'overdue' ? 'overdue' : 'balances';
  const cursor = search.get('cursor') ?? undefined;
  const classId = search.get('classId') ?? '';
  const owingOnly = search.get('owingOnly') ?? 'true';
  const [resource, reload] = useApiGet<ApiPage<StudentBalance>>(
    view === 'overdue' ? '/api/v1/fees/overdue' : '/api/v1/fees/balances',
    view === 'overdue'
      ? { asOf: format.today(), cursor, limit: 50 }
      : { classId: classId || undefined, owingOnly, cursor, limit: 50 },
  );
  const page = resource.data;
  return (
    <Page
      title={view === 'overdue' ? t('balances.overdueTitle') : t('balances.title')}
      ready={resource.status !== 'loading'}
    >
      <nav class="tabs" aria-label={t('balances.views')}>
        <a href="/fees/balances" aria-current={view === 'balances' ? 'page' : undefined}>
          {t('balances.title')}
        </a>
        <a href="/fees/balances?view=overdue" aria-current={view === 'overdue' ? 'page' : undefined}>
          {t('balances.overdueTitle')}
        </a>
      </nav>
      {view === 'balances' ? (
        <div class="filters">
          <SelectField
            label={t('students.class')}
            value={classId}
            onValue={(value) => setQuery({ classId: value, cursor: undefined })}
            placeholder={t('students.allClasses')}
            options={(classes ?? []).map((item) => ({ value: item.id, label: item.name }))}
          />
          <SelectField
            label={t('balances.show')}
            value={owingOnly}
            onValue={(value) => setQuery({ owingOnly: value, cursor: undefined })}
            options={[
              { value: 'true', label: t('balances.owingOnly') },
              { value: 'false', label: t('balances.everyone') },
            ]}
          />
        </div>
      ) : (
        <p class="muted">{t('balances.overdueHint', { date: format.date(format.today(), 'long') })}</p>
      )}
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={view === 'overdue' ? t('balances.noneOverdue') : t('balances.none')} />
      ) : (
        <>
          <Table
            caption={t('balances.title')}
            rows={page.items}
            rowKey={(row) => row.studentId}
            columns={[
              { header: t('student.name'), cell: (row) => `${row.familyName}, ${row.givenName}` },
              { header: t('student.admissionNo'), cell: (row) => row.admissionNo, wide: true },
              {
                header: t('balances.invoiced'),
                cell: (row) => format.money(row.invoicedMinor),
                numeric: true,
                wide: true,
              },
              { header: t('balances.paid'), cell: (row) => format.money(row.paidMinor), numeric: true, wide: true },
              { header: t('balances.balance'), cell: (row) => format.money(row.balanceMinor), numeric: true },
            ]}
          />
          <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => setQuery({ cursor: next })} />
        </>
      )}
    </Page>
  );
}
