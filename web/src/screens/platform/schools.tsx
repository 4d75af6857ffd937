import type { Page as ApiPage, DirectorySchool } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Badge, Page } from '../../ui/page';
import { Pager, Table } from '../../ui/table';

const statuses = ['ACTIVE', 'PROVISIONING', 'MOVING', 'SUSPENDED', 'OFFBOARDING', 'DELETED', 'FAILED'] as const;
export const statusTone = (status: string) =>
  status === 'ACTIVE' || status === 'SUCCEEDED'
    ? 'good'
    : status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED'
      ? 'bad'
      : status === 'DELETED'
        ? 'neutral'
        : 'warn';

/** The platform operator's view of the tenant directory: schools by lifecycle status, never their data. */
export default function Schools() {
  const { format } = useApp();
  const { search } = useLocation();
  const status = search.get('status') ?? 'ACTIVE';
  const cursor = search.get('cursor') ?? undefined;
  const [resource, reload] = useApiGet<ApiPage<DirectorySchool>>('/api/v1/platform/schools', {
    status,
    cursor,
    limit: 50,
  });
  const page = resource.data;
  return (
    <Page title={t('schools.title')} ready={resource.status !== 'loading'}>
      <div class="filters">
        <SelectField
          label={t('schools.status')}
          value={status}
          onValue={(value) => setQuery({ status: value, cursor: undefined })}
          options={statuses.map((value) => ({ value, label: value }))}
        />
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('schools.none', { status })} />
      ) : (
        <>
          <Table
            caption={t('schools.title')}
            rows={page.items}
            rowKey={(school) => school.schoolId}
            columns={[
              { header: t('schools.name'), cell: (school) => school.name },
              { header: t('schools.slug'), cell: (school) => school.slug, wide: true },
              {
                header: t('schools.status'),
                cell: (school) => <Badge tone={statusTone(school.status)}>{school.status}</Badge>,
              },
              { header: t('schools.shardGroup'), cell: (school) => school.shardGroupId, wide: true },
              { header: t('schools.schema'), cell: (school) => school.schemaVersion, numeric: true, wide: true },
              { header: t('schools.updated'), cell: (school) => format.dateTime(school.updatedAt), wide: true },
            ]}
          />
          <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => setQuery({ cursor: next })} />
        </>
      )}
    </Page>
  );
}
