import type { IntegrationDetail } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Card, Page } from '../../ui/page';
import type { ScreenProps } from '../../screens';
import { Table } from '../../ui/table';

/** One integration: what it may do and its recent calls, as the authorizer let them through. */
export default function IntegrationDetailScreen({ params }: ScreenProps) {
  const { format } = useApp();
  const [resource, reload] = useApiGet<IntegrationDetail>(`/api/v1/integrations/${params.integrationId}`);
  const integration = resource.data;
  return (
    <Page title={integration?.name ?? t('integrations.title')} ready={Boolean(integration)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!integration ? (
        <Loading />
      ) : (
        <>
          <Card title={t('integrations.detailTitle')}>
            <dl class="details">
              <dt>{t('integrations.status')}</dt>
              <dd>
                <Badge tone={integration.status === 'active' ? 'good' : 'neutral'}>
                  {t(`integrations.status.${integration.status}`)}
                </Badge>
              </dd>
              <dt>{t('integrations.clientId')}</dt>
              <dd>
                <code>{integration.clientId}</code>
              </dd>
              <dt>{t('integrations.scopes')}</dt>
              <dd>{integration.scopes.map((scope) => t(`integrations.scope.${scope}`)).join(', ')}</dd>
              <dt>{t('integrations.rate')}</dt>
              <dd>{format.number(integration.requestsPerMinute)}</dd>
              <dt>{t('integrations.created')}</dt>
              <dd>{format.dateTime(integration.createdAt)}</dd>
              <dt>{t('integrations.secretRotated')}</dt>
              <dd>{format.dateTime(integration.secretRotatedAt)}</dd>
            </dl>
          </Card>
          <Card title={t('integrations.callsTitle')}>
            {integration.recentCalls.length === 0 ? (
              <EmptyState title={t('integrations.noCalls')} />
            ) : (
              <Table
                caption={t('integrations.callsTitle')}
                rows={integration.recentCalls}
                rowKey={(call) => call.requestId}
                columns={[
                  { header: t('integrations.callAt'), cell: (call) => format.dateTime(call.at) },
                  { header: t('integrations.callRequest'), cell: (call) => `${call.method} ${call.path}`, wide: true },
                  {
                    header: t('integrations.callStatus'),
                    cell: (call) => (
                      <Badge tone={call.status < 400 ? 'good' : call.status === 429 ? 'info' : 'bad'}>
                        {String(call.status)}
                      </Badge>
                    ),
                  },
                  { header: t('integrations.callLatency'), cell: (call) => `${format.number(call.latencyMs)} ms` },
                ]}
              />
            )}
          </Card>
        </>
      )}
    </Page>
  );
}
