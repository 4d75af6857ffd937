import { useState } from 'preact/hooks';
import type { PrivacyRequestPage } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';
import { DownloadButton, RequestStatus, useRefreshWhilePreparing } from './data-requests';

type Filter = '' | 'open' | 'overdue';

/** The school admin's queue of families' data requests: who asked, when, when it is due, where it stands. */
export default function PrivacyRequestsScreen() {
  const { format } = useApp();
  const [filter, setFilter] = useState<Filter>(() => {
    const asked = new URLSearchParams(window.location.search).get('status');
    return asked === 'open' || asked === 'overdue' ? asked : '';
  });
  const [resource, reload] = useApiGet<PrivacyRequestPage>(
    '/api/privacy/requests',
    filter ? { status: filter, limit: 100 } : { limit: 100 },
  );
  const items = resource.data?.items;
  useRefreshWhilePreparing(items, reload);
  return (
    <Page title={t('privacy.title')} subtitle={t('privacy.lead')} ready={Boolean(items)}>
      <Card>
        <SelectField
          label={t('privacy.filter')}
          value={filter}
          onValue={(value) => setFilter(value as Filter)}
          options={(['', 'open', 'overdue'] as const).map((value) => ({
            value,
            label: t(`privacy.filter.${value || 'all'}`),
          }))}
        />
      </Card>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={filter ? t('privacy.noneOpen') : t('privacy.none')} />
      ) : (
        <Table
          caption={t('privacy.title')}
          rows={items}
          rowKey={(request) => request.id}
          columns={[
            {
              header: t('privacy.student'),
              cell: (request) =>
                request.student ? (
                  <a href={`/students/${request.student.studentId}`}>
                    {request.student.name} ({request.student.admissionNo})
                  </a>
                ) : (
                  '—'
                ),
            },
            {
              header: t('privacy.requestedBy'),
              cell: (request) => `${request.requestedBy} · ${t(`privacy.requestedAs.${request.requestedAs}`)}`,
            },
            { header: t('privacy.requestedAt'), cell: (request) => format.dateTime(request.requestedAt) },
            { header: t('privacy.dueOn'), cell: (request) => format.date(request.dueOn) },
            { header: t('privacy.state'), cell: (request) => <RequestStatus request={request} /> },
            {
              header: '',
              cell: (request) => (
                <DownloadButton
                  request={request}
                  path={`/api/privacy/requests/${request.id}/download`}
                  onDone={reload}
                />
              ),
            },
          ]}
        />
      )}
    </Page>
  );
}
