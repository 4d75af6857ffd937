import { useState } from 'preact/hooks';
import type { PrivacyRequestPage, PrivacyRequestView } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, useSubmission } from '../../ui/forms';
import { Card } from '../../ui/page';
import { AskErasure, DownloadButton, RequestStatus, useRefreshWhilePreparing } from './data-requests';

/**
 * A copy of a student's data, on the student's page (a school admin) or the child's (a guardian,
 * `guardian`): ask for one, follow it being prepared, download it once.
 */
export function DataRequestsCard({ studentId, guardian = false }: { studentId: string; guardian?: boolean }) {
  const { api, format, notify } = useApp();
  const child = `/api/v1/portal/children/${encodeURIComponent(studentId)}/privacy-requests`;
  const [resource, reload] = useApiGet<PrivacyRequestPage>(
    guardian ? child : '/api/v1/privacy/requests',
    guardian ? {} : { studentId, limit: 10 },
  );
  const items = resource.data?.items;
  useRefreshWhilePreparing(items, reload);
  // One key per request the person means to make: a retry after a lost answer is the same request.
  const [clientKey, setClientKey] = useState(() => crypto.randomUUID());
  const ask = useSubmission(
    () =>
      api.post<PrivacyRequestView>(
        guardian ? child : '/api/v1/privacy/requests',
        guardian ? { kind: 'export', clientKey } : { kind: 'export', studentId, clientKey },
      ),
    () => {
      notify(t('privacy.asked'));
      setClientKey(crypto.randomUUID());
      reload();
    },
  );
  const askErasure = async () => {
    await api.post<PrivacyRequestView>(
      guardian ? child : '/api/v1/privacy/requests',
      guardian ? { kind: 'erasure', clientKey } : { kind: 'erasure', studentId, clientKey },
    );
    notify(t('privacy.erasureAsked'));
    setClientKey(crypto.randomUUID());
    reload();
  };
  const downloadPath = (request: PrivacyRequestView) =>
    guardian ? `${child}/${request.id}/download` : `/api/v1/privacy/requests/${request.id}/download`;
  return (
    <Card title={t('privacy.cardTitle')}>
      <p class="muted">{guardian ? t('privacy.guardianLead') : t('privacy.cardLead')}</p>
      <FormError error={ask.error} />
      <div>
        <button type="button" class="button" disabled={ask.busy} onClick={ask.run}>
          {t('privacy.ask')}
        </button>{' '}
        <AskErasure guardian={guardian} ask={askErasure} />
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={t('privacy.none')} />
      ) : (
        <ul class="plain-list request-list">
          {items.map((request) => (
            <li key={request.id}>
              <div>
                {t(`privacy.kind.${request.kind}`)} · {format.dateTime(request.requestedAt)}
                {guardian ? null : ` · ${request.requestedBy} (${t(`privacy.requestedAs.${request.requestedAs}`)})`}
              </div>
              <RequestStatus request={request} />
              <div>
                <DownloadButton request={request} path={downloadPath(request)} onDone={reload} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
