import type { OnboardingRun, Page as ApiPage } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Badge, Page } from '../../ui/page';
import { Pager, Table } from '../../ui/table';
import { statusTone } from './schools';

const statuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

/** Runs of the onboarding workflow, newest first: read-only. */
export default function OnboardingRuns() {
  const { format } = useApp();
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const cursor = search.get('cursor') ?? undefined;
  const [resource, reload] = useApiGet<ApiPage<OnboardingRun>>('/api/v1/platform/onboarding-runs', {
    status: status || undefined,
    cursor,
    limit: 25,
  });
  const page = resource.data;
  return (
    <Page title={t('onboarding.title')} ready={resource.status !== 'loading'} subtitle={t('onboarding.hint')}>
      <div class="filters">
        <SelectField
          label={t('onboarding.status')}
          value={status}
          onValue={(value) => setQuery({ status: value, cursor: undefined })}
          placeholder={t('onboarding.any')}
          options={statuses.map((value) => ({ value, label: value }))}
        />
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('onboarding.none')} />
      ) : (
        <>
          <Table
            caption={t('onboarding.title')}
            rows={page.items}
            rowKey={(run) => run.name}
            columns={[
              {
                header: t('onboarding.run'),
                cell: (run) => <a href={`/platform/onboarding/${run.name}`}>{run.name}</a>,
              },
              {
                header: t('onboarding.status'),
                cell: (run) => <Badge tone={statusTone(run.status)}>{run.status}</Badge>,
              },
              { header: t('onboarding.started'), cell: (run) => format.dateTime(run.startedAt), wide: true },
              { header: t('onboarding.stopped'), cell: (run) => format.dateTime(run.stoppedAt), wide: true },
            ]}
          />
          <Pager cursor={cursor} nextCursor={page.nextCursor} onPage={(next) => setQuery({ cursor: next })} />
        </>
      )}
    </Page>
  );
}
