import type { DeliveryReport } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { hasMessage, t } from '../../i18n/i18n';
import type { ScreenProps } from '../../screens';
import { ErrorState, Loading } from '../../ui/feedback';
import { Badge, Card, Page, Stat } from '../../ui/page';
import { Table } from '../../ui/table';

type Status = DeliveryReport['messages'][number]['status'];
const good: readonly Status[] = ['sent', 'delivered'];
const bad: readonly Status[] = ['bounced', 'complained', 'failed'];
const tone = (status: Status) => (good.includes(status) ? 'good' : bad.includes(status) ? 'bad' : 'neutral');
const order: readonly Status[] = [
  'delivered',
  'sent',
  'queued',
  'sending',
  'bounced',
  'complained',
  'opted-out',
  'failed',
  'over-budget',
];

const kindLabel = (kind: string) => {
  const key = `kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
};

/** What became of one notification: its messages counted by status, and each recipient's, with the reason of a failure. */
export default function DeliveryReportScreen({ params }: ScreenProps) {
  const { format } = useApp();
  const [resource, reload] = useApiGet<DeliveryReport>(
    `/api/v1/notifications/requests/${encodeURIComponent(params.requestId!)}`,
  );
  const report = resource.data;
  return (
    <Page
      title={t('report.title')}
      subtitle={report ? `${kindLabel(report.kind)} · ${format.dateTime(report.dueAt)}` : undefined}
      ready={Boolean(report)}
      actions={
        <a class="button button-ghost" href="/notifications/announcements">
          {t('report.back')}
        </a>
      }
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!report ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat
              label={t('report.status')}
              value={t(`request.${report.status}`)}
              detail={report.outcome ?? undefined}
            />
            {order
              .filter((status) => report.totals[status])
              .map((status) => (
                <Stat
                  key={status}
                  label={t(`delivery.${status}`)}
                  value={format.number(report.totals[status] ?? 0)}
                  {...(tone(status) === 'neutral' ? {} : { tone: tone(status) as 'good' | 'bad' })}
                />
              ))}
          </div>
          <Card title={t('report.messages')}>
            <Table
              caption={t('report.messages')}
              compact
              rows={report.messages}
              rowKey={(row) => row.id}
              columns={[
                { header: t('report.recipient'), cell: (row) => row.recipientName ?? '—' },
                { header: t('report.channel'), cell: (row) => t(`channel.${row.channel}`) },
                {
                  header: t('report.status'),
                  cell: (row) => <Badge tone={tone(row.status)}>{t(`delivery.${row.status}`)}</Badge>,
                },
                { header: t('report.address'), wide: true, cell: (row) => row.address ?? '—' },
                { header: t('report.reason'), wide: true, cell: (row) => row.reason ?? '' },
                { header: t('report.updated'), wide: true, cell: (row) => format.dateTime(row.updatedAt) },
              ]}
            />
          </Card>
        </>
      )}
    </Page>
  );
}
