import { useState } from 'preact/hooks';
import type { AccessLogPage } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { type MessageKey, t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Card } from '../../ui/page';
import { Table } from '../../ui/table';

/**
 * Who has read a student's record, newest first: for a school admin about any student, for a
 * guardian (`guardian`) about their own child. Older entries a page at a time.
 */
export function AccessLogCard({ studentId, guardian = false }: { studentId: string; guardian?: boolean }) {
  const { format } = useApp();
  const path = guardian
    ? `/api/v1/portal/children/${encodeURIComponent(studentId)}/access-log`
    : `/api/v1/students/${encodeURIComponent(studentId)}/access-log`;
  const [before, setBefore] = useState<number | undefined>(undefined);
  const [resource, reload] = useApiGet<AccessLogPage>(path, { limit: 20, before });
  const page = resource.data;
  return (
    <Card title={t('accessLog.title')}>
      <p class="muted">{t('accessLog.lead')}</p>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('accessLog.none')} />
      ) : (
        <>
          <Table
            compact
            caption={t('accessLog.title')}
            rows={page.items}
            rowKey={(entry) => String(entry.id)}
            columns={[
              { header: t('accessLog.when'), cell: (entry) => format.dateTime(entry.at) },
              {
                header: t('accessLog.who'),
                cell: (entry) => `${entry.who} · ${t(`accessLog.role.${entry.role}` as MessageKey)}`,
              },
              { header: t('accessLog.what'), cell: (entry) => t(`accessLog.part.${entry.part}` as MessageKey) },
            ]}
          />
          {page.next ? (
            <button type="button" class="button button-secondary" onClick={() => setBefore(page.next ?? undefined)}>
              {t('accessLog.more')}
            </button>
          ) : null}
        </>
      )}
    </Card>
  );
}
