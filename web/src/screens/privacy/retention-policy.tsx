import { useEffect, useState } from 'preact/hooks';
import type { RetentionPolicyInput, RetentionPolicyView } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { type MessageKey, t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

type Kind = keyof RetentionPolicyView['policy'];
const kinds: readonly Kind[] = ['attendance', 'grades', 'fees', 'notifications', 'access-log', 'audit-entries'];

const asText = (years: number | null) => (years === null ? '' : String(years));

/**
 * The school's retention policy: for each kind of record, the years it is kept after a student
 * leaves (blank: kept); the suggestion for the school's country beside each; what the nightly
 * application removed, run by run.
 */
export default function RetentionPolicyScreen() {
  const { api, format, notify } = useApp();
  const [resource, reload] = useApiGet<RetentionPolicyView>('/api/v1/privacy/retention');
  const view = resource.data;
  const [draft, setDraft] = useState<Record<Kind, string> | undefined>(undefined);
  useEffect(() => {
    if (view && !draft)
      setDraft(Object.fromEntries(kinds.map((kind) => [kind, asText(view.policy[kind])])) as Record<Kind, string>);
  }, [view, draft]);
  const form = useSubmission(
    () => {
      const body = Object.fromEntries(
        kinds.map((kind) => [kind, draft![kind].trim() === '' ? null : Number(draft![kind])]),
      ) as RetentionPolicyInput;
      return api.put<RetentionPolicyView>('/api/v1/privacy/retention', body);
    },
    () => {
      notify(t('retention.saved'));
      setDraft(undefined);
      reload();
    },
  );
  return (
    <Page title={t('retention.title')} subtitle={t('retention.lead')} ready={Boolean(view && draft)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!view || !draft ? (
        <Loading />
      ) : (
        <>
          <Card title={t('retention.policyTitle')}>
            <form class="form" onSubmit={form.run} noValidate>
              <FormError error={form.error} />
              {kinds.map((kind) => (
                <TextField
                  key={kind}
                  label={t(`retention.kind.${kind}` as MessageKey)}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={100}
                  value={draft[kind]}
                  onValue={(value) => setDraft({ ...draft, [kind]: value })}
                  error={form.fieldError(kind)}
                  hint={t('retention.hint', {
                    suggested:
                      view.suggested[kind] === null
                        ? t('retention.keep')
                        : t('retention.years', { count: view.suggested[kind] }),
                  })}
                />
              ))}
              <div class="form-actions">
                <SubmitButton busy={form.busy}>{t('retention.save')}</SubmitButton>
                <button
                  type="button"
                  class="button button-secondary"
                  onClick={() =>
                    setDraft(
                      Object.fromEntries(kinds.map((kind) => [kind, asText(view.suggested[kind])])) as Record<
                        Kind,
                        string
                      >,
                    )
                  }
                >
                  {t('retention.useSuggested')}
                </button>
              </div>
              {view.updatedAt ? (
                <p class="muted">
                  {t('retention.updated', { who: view.updatedBy ?? '', when: format.dateTime(view.updatedAt) })}
                </p>
              ) : (
                <p class="muted">{t('retention.noneSet')}</p>
              )}
            </form>
          </Card>
          <Card title={t('retention.runsTitle')}>
            {view.runs.length === 0 ? (
              <EmptyState title={t('retention.noRuns')} />
            ) : (
              <Table
                compact
                caption={t('retention.runsTitle')}
                rows={view.runs}
                rowKey={(run) => run.runId}
                columns={[
                  { header: t('retention.ranAt'), cell: (run) => format.dateTime(run.ranAt) },
                  {
                    header: t('retention.removed'),
                    cell: (run) =>
                      Object.entries(run.removed)
                        .map(([kind, n]) => `${t(`retention.kind.${kind}` as MessageKey)}: ${format.number(n)}`)
                        .join(' · '),
                  },
                ]}
              />
            )}
          </Card>
        </>
      )}
    </Page>
  );
}
