import { useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { FeeStructure, Page as ApiPage } from '../../api/types';
import { hasRole, useApiGet, useApp } from '../../app-context';
import { parseMoney } from '../../format';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading, Notice } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

/** The bursar's fee structures: what each term costs (by grade level or for all), and invoice runs from them. */
export default function FeeStructures() {
  const { me, format } = useApp();
  const [resource, reload] = useApiGet<ApiPage<FeeStructure>>('/api/v1/fee-structures', { limit: 200 });
  const terms = useLookup('/api/v1/terms');
  const grades = useLookup('/api/v1/grade-levels');
  const canWrite = hasRole(me, 'bursar');
  const nameOf = (list: { id: string; name: string }[] | undefined, id: string | null) =>
    id ? (list?.find((item) => item.id === id)?.name ?? '…') : t('fees.allGrades');
  const structures = resource.data?.items;
  return (
    <Page title={t('fees.title')} ready={Boolean(structures)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!structures ? (
        <Loading />
      ) : structures.length === 0 ? (
        <EmptyState title={t('fees.none')} />
      ) : (
        <Table
          caption={t('fees.title')}
          rows={structures}
          rowKey={(row) => row.id}
          columns={[
            { header: t('fees.name'), cell: (row) => row.name },
            { header: t('fees.category'), cell: (row) => row.category, wide: true },
            { header: t('fees.term'), cell: (row) => nameOf(terms, row.termId) },
            { header: t('fees.gradeLevel'), cell: (row) => nameOf(grades, row.gradeLevelId), wide: true },
            { header: t('fees.amount'), cell: (row) => format.money(row.amountMinor), numeric: true },
            { header: t('fees.dueOn'), cell: (row) => format.date(row.dueOn), wide: true },
            ...(canWrite
              ? [{ header: t('fees.invoice'), cell: (row: FeeStructure) => <InvoiceRun structure={row} /> }]
              : []),
          ]}
        />
      )}
      {canWrite ? <NewFeeStructure onCreated={reload} /> : null}
    </Page>
  );
}

function InvoiceRun({ structure }: { structure: FeeStructure }) {
  const { api, notify } = useApp();
  const run = useSubmission(
    () => api.post<{ students: number; created: number }>(`/api/v1/fee-structures/${structure.id}/invoices`, {}),
    (result) =>
      notify(t('fees.invoiced', { name: structure.name, created: result.created, students: result.students })),
  );
  return (
    <button
      type="button"
      class="button button-secondary"
      disabled={run.busy}
      onClick={() => run.run()}
      aria-label={t('fees.invoiceLabel', { name: structure.name })}
    >
      {run.busy ? t('common.saving') : t('fees.invoiceButton')}
    </button>
  );
}

function NewFeeStructure({ onCreated }: { onCreated: () => void }) {
  const { api, notify } = useApp();
  const terms = useLookup('/api/v1/terms');
  const grades = useLookup('/api/v1/grade-levels');
  const [draft, setDraft] = useState({
    termId: '',
    gradeLevelId: '',
    category: 'tuition',
    name: '',
    amount: '',
    dueOn: '',
  });
  const [amountError, setAmountError] = useState<string | undefined>(undefined);
  const set = (key: keyof typeof draft) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const form = useSubmission(
    async () => {
      const amountMinor = parseMoney(draft.amount);
      setAmountError(amountMinor === undefined ? t('fees.amountInvalid') : undefined);
      return api.post<FeeStructure>('/api/v1/fee-structures', {
        termId: draft.termId,
        ...(draft.gradeLevelId ? { gradeLevelId: draft.gradeLevelId } : {}),
        category: draft.category,
        name: draft.name,
        amountMinor: amountMinor ?? 0,
        dueOn: draft.dueOn,
      });
    },
    (created) => {
      notify(t('fees.created', { name: created.name }));
      setDraft((current) => ({ ...current, name: '', amount: '' }));
      onCreated();
    },
  );
  return (
    <Card title={t('fees.newTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <div class="form-row">
          <SelectField
            label={t('fees.term')}
            value={draft.termId}
            onValue={set('termId')}
            placeholder={t('common.choose')}
            options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
            error={form.fieldError('termId')}
            required
          />
          <SelectField
            label={t('fees.gradeLevel')}
            value={draft.gradeLevelId}
            onValue={set('gradeLevelId')}
            placeholder={t('fees.allGrades')}
            options={(grades ?? []).map((grade) => ({ value: grade.id, label: grade.name }))}
            error={form.fieldError('gradeLevelId')}
          />
        </div>
        <div class="form-row">
          <TextField
            label={t('fees.name')}
            value={draft.name}
            onValue={set('name')}
            error={form.fieldError('name')}
            required
          />
          <TextField
            label={t('fees.category')}
            value={draft.category}
            onValue={set('category')}
            error={form.fieldError('category')}
            required
          />
        </div>
        <div class="form-row">
          <TextField
            label={t('fees.amount')}
            inputMode="decimal"
            value={draft.amount}
            onValue={set('amount')}
            error={amountError ?? form.fieldError('amountMinor')}
            required
          />
          <TextField
            label={t('fees.dueOn')}
            type="date"
            value={draft.dueOn}
            onValue={set('dueOn')}
            error={form.fieldError('dueOn')}
            required
          />
        </div>
        <Notice>{t('fees.invoiceHint')}</Notice>
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('fees.create')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
