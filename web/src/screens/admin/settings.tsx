import { useEffect, useState } from 'preact/hooks';
import { forgetLookup, useLookup } from '../../api/lookups';
import type { SchoolSettings } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

type Band = SchoolSettings['gradingScale'][number];

/** School settings: name, locale, time zone, currency, grading scale, pass mark, chronic absence; and the terms. */
export default function Settings() {
  const [resource, reload] = useApiGet<SchoolSettings>('/api/v1/school/settings');
  return (
    <Page title={t('settings.title')} ready={Boolean(resource.data)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {resource.data ? <SettingsForm settings={resource.data} /> : <Loading />}
      <Terms />
    </Page>
  );
}

function SettingsForm({ settings }: { settings: SchoolSettings }) {
  const { api, notify } = useApp();
  const [draft, setDraft] = useState(settings);
  const [bands, setBands] = useState(
    settings.gradingScale.map((band) => ({ label: band.label, minPercent: String(band.minPercent) })),
  );
  const [passMark, setPassMark] = useState(String(settings.passMarkPercent));
  const [chronic, setChronic] = useState(String(Math.round(settings.chronicAbsenceRate * 100)));
  useEffect(() => setDraft(settings), [settings]);
  const form = useSubmission(
    () =>
      api.put<SchoolSettings>('/api/v1/school/settings', {
        ...draft,
        gradingScale: bands.map((band): Band => ({ label: band.label, minPercent: Number(band.minPercent) })),
        passMarkPercent: Number(passMark),
        chronicAbsenceRate: Number(chronic) / 100,
      }),
    () => notify(t('settings.saved')),
  );
  const set = (key: 'name' | 'timezone' | 'currency' | 'locale') => (value: string) =>
    setDraft({ ...draft, [key]: value });
  return (
    <Card>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <TextField
          label={t('settings.name')}
          value={draft.name}
          onValue={set('name')}
          error={form.fieldError('name')}
          required
        />
        <div class="form-row">
          <TextField
            label={t('settings.locale')}
            value={draft.locale}
            onValue={set('locale')}
            error={form.fieldError('locale')}
            hint={t('settings.localeHint')}
            required
          />
          <TextField
            label={t('settings.timezone')}
            value={draft.timezone}
            onValue={set('timezone')}
            error={form.fieldError('timezone')}
            hint={t('settings.timezoneHint')}
            required
          />
        </div>
        <div class="form-row">
          <TextField
            label={t('settings.currency')}
            value={draft.currency}
            onValue={set('currency')}
            error={form.fieldError('currency')}
            hint={t('settings.currencyHint')}
            required
          />
          <TextField
            label={t('settings.passMark')}
            type="number"
            min={0}
            max={100}
            value={passMark}
            onValue={setPassMark}
            error={form.fieldError('passMarkPercent')}
            required
          />
        </div>
        <TextField
          label={t('settings.chronic')}
          type="number"
          min={0}
          max={100}
          value={chronic}
          onValue={setChronic}
          error={form.fieldError('chronicAbsenceRate')}
          hint={t('settings.chronicHint')}
        />
        <fieldset class="bands">
          <legend>{t('settings.scale')}</legend>
          {form.fieldError('gradingScale') ? <p class="field-error">{form.fieldError('gradingScale')}</p> : null}
          {bands.map((band, index) => (
            <div class="band" key={index}>
              <TextField
                label={t('settings.bandLabel', { n: index + 1 })}
                value={band.label}
                onValue={(label) => setBands(bands.map((b, i) => (i === index ? { ...b, label } : b)))}
                error={form.fieldError(`gradingScale.${index}.label`)}
              />
              <TextField
                label={t('settings.bandFrom', { n: index + 1 })}
                type="number"
                min={0}
                max={100}
                value={band.minPercent}
                onValue={(minPercent) => setBands(bands.map((b, i) => (i === index ? { ...b, minPercent } : b)))}
                error={form.fieldError(`gradingScale.${index}.minPercent`)}
              />
              <button
                type="button"
                class="button button-ghost"
                aria-label={t('settings.removeBand', { n: index + 1 })}
                onClick={() => setBands(bands.filter((_, i) => i !== index))}
              >
                ✕
              </button>
            </div>
          ))}
          <button
            type="button"
            class="button button-secondary"
            onClick={() => setBands([...bands, { label: '', minPercent: '0' }])}
          >
            {t('settings.addBand')}
          </button>
        </fieldset>
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('common.save')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}

function Terms() {
  const { api, format, notify } = useApp();
  const years = useLookup<{ id: string; name: string; startsOn: string; endsOn: string }>('/api/v1/academic-years');
  const terms = useLookup<{ id: string; name: string; academicYearId: string; startsOn: string; endsOn: string }>(
    '/api/v1/terms',
  );
  const [draft, setDraft] = useState({ academicYearId: '', name: '', startsOn: '', endsOn: '' });
  const form = useSubmission(
    () => api.post<{ name: string }>('/api/v1/terms', draft),
    (term) => {
      forgetLookup('/api/v1/terms');
      notify(t('settings.termAdded', { name: term.name }));
      setDraft({ ...draft, name: '', startsOn: '', endsOn: '' });
    },
  );
  return (
    <Card title={t('settings.terms')}>
      {terms ? (
        <Table
          compact
          caption={t('settings.terms')}
          rows={terms}
          rowKey={(term) => term.id}
          columns={[
            { header: t('settings.termName'), cell: (term) => term.name },
            {
              header: t('settings.year'),
              cell: (term) => years?.find((year) => year.id === term.academicYearId)?.name ?? '',
            },
            { header: t('settings.startsOn'), cell: (term) => format.date(term.startsOn) },
            { header: t('settings.endsOn'), cell: (term) => format.date(term.endsOn) },
          ]}
        />
      ) : (
        <Loading />
      )}
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <div class="form-row">
          <SelectField
            label={t('settings.year')}
            value={draft.academicYearId}
            onValue={(academicYearId) => setDraft({ ...draft, academicYearId })}
            placeholder={t('common.choose')}
            options={(years ?? []).map((year) => ({ value: year.id, label: year.name }))}
            error={form.fieldError('academicYearId')}
          />
          <TextField
            label={t('settings.termName')}
            value={draft.name}
            onValue={(name) => setDraft({ ...draft, name })}
            error={form.fieldError('name')}
          />
        </div>
        <div class="form-row">
          <TextField
            label={t('settings.startsOn')}
            type="date"
            value={draft.startsOn}
            onValue={(startsOn) => setDraft({ ...draft, startsOn })}
            error={form.fieldError('startsOn')}
          />
          <TextField
            label={t('settings.endsOn')}
            type="date"
            value={draft.endsOn}
            onValue={(endsOn) => setDraft({ ...draft, endsOn })}
            error={form.fieldError('endsOn')}
          />
        </div>
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('settings.addTerm')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
