import { useState } from 'preact/hooks';
import type { PrivacyRequestPage, PrivacyRequestView } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';
import { DownloadButton, RequestStatus, useRefreshWhilePreparing } from './data-requests';

type Filter = '' | 'open' | 'overdue';

/**
 * An erasure awaiting approval: approved by a school admin other than the one who asked (the
 * API refuses the asker too), or refused with the reason the family is told.
 */
function ErasureDecision({ request, onDone }: { request: PrivacyRequestView; onDone: () => void }) {
  const { api, notify } = useApp();
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  const approve = useSubmission(
    () => api.post<PrivacyRequestView>(`/api/v1/privacy/requests/${request.id}/approve`, undefined),
    () => {
      notify(t('privacy.approved'));
      onDone();
    },
  );
  const refuse = useSubmission(
    () => api.post<PrivacyRequestView>(`/api/v1/privacy/requests/${request.id}/refuse`, { reason }),
    () => {
      notify(t('privacy.refused'));
      onDone();
    },
  );
  if (request.status !== 'awaiting-approval') return null;
  return (
    <div>
      <FormError error={approve.error ?? refuse.error} />
      {request.mine ? (
        <span class="muted">{t('privacy.waitsForOther')} </span>
      ) : (
        <button type="button" class="button button-danger" disabled={approve.busy} onClick={approve.run}>
          {t('privacy.approve')}
        </button>
      )}{' '}
      {refusing ? (
        <form onSubmit={refuse.run}>
          <TextField
            label={t('privacy.refusal')}
            value={reason}
            onValue={setReason}
            error={refuse.fieldError('reason')}
            maxLength={500}
          />
          <button type="submit" class="button button-secondary" disabled={refuse.busy}>
            {t('privacy.refuse')}
          </button>
        </form>
      ) : (
        <button type="button" class="button button-secondary" onClick={() => setRefusing(true)}>
          {t('privacy.refuse')}
        </button>
      )}
    </div>
  );
}

/** The school admin's queue of families' data requests: who asked, when, when it is due, where it stands. */
export default function PrivacyRequestsScreen() {
  const { format } = useApp();
  const [filter, setFilter] = useState<Filter>(() => {
    const asked = new URLSearchParams(window.location.search).get('status');
    return asked === 'open' || asked === 'overdue' ? asked : '';
  });
  const [resource, reload] = useApiGet<PrivacyRequestPage>(
    '/api/v1/privacy/requests',
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
            { header: t('privacy.kind'), cell: (request) => t(`privacy.kind.${request.kind}`) },
            { header: t('privacy.requestedAt'), cell: (request) => format.dateTime(request.requestedAt) },
            { header: t('privacy.dueOn'), cell: (request) => format.date(request.dueOn) },
            { header: t('privacy.state'), cell: (request) => <RequestStatus request={request} /> },
            {
              header: '',
              cell: (request) =>
                request.kind === 'erasure' ? (
                  <ErasureDecision request={request} onDone={reload} />
                ) : (
                  <DownloadButton
                    request={request}
                    path={`/api/v1/privacy/requests/${request.id}/download`}
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
