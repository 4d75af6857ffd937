import type { AuditEntry } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { TextField } from '../../ui/forms';
import { Page } from '../../ui/page';
import { Table } from '../../ui/table';

/** The school's audit log, newest first: who changed what, and when, with what it was before and after. */
export default function AuditLog() {
  const { format } = useApp();
  const { search } = useLocation();
  const entity = search.get('entity') ?? '';
  const before = search.get('before') ?? undefined;
  const [resource, reload] = useApiGet<{ items: AuditEntry[]; nextBefore: number | null }>('/api/v1/audit', {
    entity: entity || undefined,
    before,
    limit: 50,
  });
  const page = resource.data;
  return (
    <Page title={t('audit.title')} ready={resource.status !== 'loading'}>
      <div class="filters">
        <TextField
          label={t('audit.entity')}
          value={entity}
          onValue={(value) => setQuery({ entity: value.trim(), before: undefined })}
          hint={t('audit.entityHint')}
        />
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('audit.none')} />
      ) : (
        <>
          <Table
            caption={t('audit.title')}
            rows={page.items}
            rowKey={(entry) => String(entry.id)}
            columns={[
              { header: t('audit.when'), cell: (entry) => format.dateTime(entry.at) },
              { header: t('audit.action'), cell: (entry) => `${entry.action} ${entry.entity}` },
              { header: t('audit.actor'), cell: (entry) => entry.actor, wide: true },
              {
                header: t('audit.change'),
                cell: (entry) => (
                  <details>
                    <summary>{entry.entityId ?? t('audit.details')}</summary>
                    <pre class="audit-json">
                      {JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}
                    </pre>
                  </details>
                ),
                wide: true,
              },
            ]}
          />
          <nav class="pager" aria-label={t('pager.label')}>
            <button
              type="button"
              class="button button-secondary"
              disabled={!before}
              onClick={() => setQuery({ before: undefined })}
            >
              {t('pager.first')}
            </button>
            <button
              type="button"
              class="button button-secondary"
              disabled={!page.nextBefore}
              onClick={() => setQuery({ before: String(page.nextBefore) })}
            >
              {t('audit.older')}
            </button>
          </nav>
        </>
      )}
    </Page>
  );
}
