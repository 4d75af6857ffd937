import { useEffect, useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { ExportRequest, ExportView, Page as ApiPage } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

/** CSV exports: ask for students, attendance or grades; each is built in the background, then downloaded. */
export default function Exports() {
  const { api, format, notify } = useApp();
  const [resource, reload] = useApiGet<ApiPage<ExportView>>('/api/v1/exports', { limit: 50 });
  const terms = useLookup('/api/v1/terms');
  const [kind, setKind] = useState<ExportRequest['kind']>('students');
  const [from, setFrom] = useState(format.today().slice(0, 8) + '01');
  const [to, setTo] = useState(format.today());
  const [termId, setTermId] = useState('');
  const pending = resource.data?.items.some((item) => item.status === 'queued' || item.status === 'running');
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, 1500);
    return () => clearTimeout(timer);
  }, [pending, resource.data, reload]);
  const form = useSubmission(
    () => {
      const request: ExportRequest =
        kind === 'attendance'
          ? { kind, from, to }
          : kind === 'grades'
            ? { kind, ...(termId ? { termId } : {}) }
            : { kind };
      return api.post<ExportView>('/api/v1/exports', request);
    },
    () => {
      notify(t('exports.queued'));
      reload();
    },
  );
  return (
    <Page title={t('exports.title')} ready={Boolean(resource.data)}>
      <Card title={t('exports.newTitle')}>
        <form class="form" onSubmit={form.run} noValidate>
          <FormError error={form.error} />
          <SelectField
            label={t('exports.kind')}
            value={kind}
            onValue={(value) => setKind(value as ExportRequest['kind'])}
            options={(['students', 'attendance', 'grades'] as const).map((value) => ({
              value,
              label: t(`exports.kind.${value}`),
            }))}
          />
          {kind === 'attendance' ? (
            <div class="form-row">
              <TextField
                label={t('exports.from')}
                type="date"
                value={from}
                onValue={setFrom}
                error={form.fieldError('from')}
              />
              <TextField label={t('exports.to')} type="date" value={to} onValue={setTo} error={form.fieldError('to')} />
            </div>
          ) : null}
          {kind === 'grades' ? (
            <SelectField
              label={t('fees.term')}
              value={termId}
              onValue={setTermId}
              placeholder={t('exports.allTerms')}
              options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
            />
          ) : null}
          <div class="form-actions">
            <SubmitButton busy={form.busy}>{t('exports.request')}</SubmitButton>
          </div>
        </form>
      </Card>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!resource.data ? (
        <Loading />
      ) : resource.data.items.length === 0 ? (
        <EmptyState title={t('exports.none')} />
      ) : (
        <Table
          caption={t('exports.title')}
          rows={resource.data.items}
          rowKey={(item) => item.id}
          columns={[
            { header: t('exports.kind'), cell: (item) => t(`exports.kind.${item.kind}`) },
            { header: t('reports.requestedAt'), cell: (item) => format.dateTime(item.requestedAt), wide: true },
            {
              header: t('reports.statusHeader'),
              cell: (item) =>
                item.status === 'done' && item.downloadUrl ? (
                  <a href={item.downloadUrl}>{t('exports.download', { rows: format.number(item.rowCount ?? 0) })}</a>
                ) : item.status === 'failed' ? (
                  t('reports.failed', { reason: item.failure ?? '' })
                ) : (
                  t(`reports.status.${item.status}`)
                ),
            },
          ]}
        />
      )}
    </Page>
  );
}
