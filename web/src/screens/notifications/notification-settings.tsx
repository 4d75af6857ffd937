import { useEffect, useState } from 'preact/hooks';
import type {
  NotificationSettings,
  NotificationSettingsView,
  Preferences,
  Template,
  TemplateList,
  TemplatePreview,
} from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

type Category = Preferences['categories'][number]['category'];
type Channel = 'email' | 'sms';
const categories: readonly Category[] = ['absence', 'risk', 'fees', 'announcements', 'reports'];
const channels: readonly Channel[] = ['email', 'sms'];

/** The school's notification rules (absence alerts and their grace time, quiet hours, SMS budget, defaults) and wording. */
export default function NotificationSettingsScreen() {
  const [resource, reload] = useApiGet<NotificationSettingsView>('/api/v1/notifications/settings');
  return (
    <Page title={t('notificationSettings.title')} ready={Boolean(resource.data)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {resource.data ? <RulesForm settings={resource.data} /> : <Loading />}
      <Templates />
    </Page>
  );
}

function Checkbox({ label, checked, onValue }: { label: string; checked: boolean; onValue: (on: boolean) => void }) {
  return (
    <label class="checkbox">
      <input type="checkbox" checked={checked} onChange={(event) => onValue(event.currentTarget.checked)} />
      {label}
    </label>
  );
}

function RulesForm({ settings }: { settings: NotificationSettingsView }) {
  const { api, notify } = useApp();
  const { smsSentThisMonth, ...rules } = settings;
  const [draft, setDraft] = useState<NotificationSettings>(rules);
  const [graceMinutes, setGraceMinutes] = useState(String(rules.absenceGraceMinutes));
  const [budget, setBudget] = useState(String(rules.smsMonthlyBudget));
  const [retention, setRetention] = useState(String(rules.messageRetentionDays));
  const [reminderDays, setReminderDays] = useState(String(rules.feeReminderDays));
  useEffect(() => {
    setDraft(rules);
    setGraceMinutes(String(rules.absenceGraceMinutes));
    setBudget(String(rules.smsMonthlyBudget));
    setRetention(String(rules.messageRetentionDays));
    setReminderDays(String(rules.feeReminderDays));
    // Reset only when the saved settings change, not on each render's copy of them.
  }, [settings]);
  const form = useSubmission(
    () =>
      api.put<NotificationSettingsView>('/api/v1/notifications/settings', {
        ...draft,
        absenceGraceMinutes: Number(graceMinutes),
        smsMonthlyBudget: Number(budget),
        messageRetentionDays: Number(retention),
        feeReminderDays: Number(reminderDays),
      }),
    () => notify(t('notificationSettings.saved')),
  );
  const set =
    <K extends keyof NotificationSettings>(key: K) =>
    (value: NotificationSettings[K]) =>
      setDraft({ ...draft, [key]: value });
  const defaults = (category: Category) => draft.defaultChannels[category] ?? [];
  const toggleDefault = (category: Category, channel: Channel, on: boolean) =>
    set('defaultChannels')({
      ...draft.defaultChannels,
      [category]: on ? [...defaults(category), channel] : defaults(category).filter((c) => c !== channel),
    });
  return (
    <Card title={t('notificationSettings.rules')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <fieldset class="channel-choice">
          <legend>{t('notificationSettings.absence')}</legend>
          <Checkbox
            label={t('notificationSettings.absenceAlerts')}
            checked={draft.absenceAlerts}
            onValue={set('absenceAlerts')}
          />
          <Checkbox
            label={t('notificationSettings.absenceRequired')}
            checked={draft.absenceAlertsRequired}
            onValue={set('absenceAlertsRequired')}
          />
          <Checkbox label={t('notificationSettings.late')} checked={draft.alertOnLate} onValue={set('alertOnLate')} />
          <SelectField
            label={t('notificationSettings.grace')}
            value={draft.absenceGrace}
            onValue={(value) => set('absenceGrace')(value === 'at-time' ? 'at-time' : 'after-register')}
            options={[
              { value: 'after-register', label: t('notificationSettings.graceAfter') },
              { value: 'at-time', label: t('notificationSettings.graceAt') },
            ]}
            hint={t('notificationSettings.graceHint')}
          />
          {draft.absenceGrace === 'after-register' ? (
            <TextField
              label={t('notificationSettings.graceMinutes')}
              type="number"
              min={0}
              max={480}
              value={graceMinutes}
              onValue={setGraceMinutes}
              error={form.fieldError('absenceGraceMinutes')}
            />
          ) : (
            <TextField
              label={t('notificationSettings.alertTime')}
              value={draft.absenceAlertTime}
              onValue={set('absenceAlertTime')}
              error={form.fieldError('absenceAlertTime')}
              hint={t('notificationSettings.timeHint')}
            />
          )}
        </fieldset>
        <fieldset class="channel-choice">
          <legend>{t('notificationSettings.quietHours')}</legend>
          <p class="field-hint">{t('notificationSettings.quietHint')}</p>
          <div class="form-row">
            <TextField
              label={t('notificationSettings.quietStart')}
              value={draft.quietHoursStart}
              onValue={set('quietHoursStart')}
              error={form.fieldError('quietHoursStart')}
            />
            <TextField
              label={t('notificationSettings.quietEnd')}
              value={draft.quietHoursEnd}
              onValue={set('quietHoursEnd')}
              error={form.fieldError('quietHoursEnd')}
            />
          </div>
        </fieldset>
        <TextField
          label={t('notificationSettings.smsBudget')}
          type="number"
          min={0}
          value={budget}
          onValue={setBudget}
          error={form.fieldError('smsMonthlyBudget')}
          hint={t('notificationSettings.smsUsed', { count: smsSentThisMonth })}
        />
        <TextField
          label={t('notificationSettings.retention')}
          type="number"
          min={30}
          max={3650}
          value={retention}
          onValue={setRetention}
          error={form.fieldError('messageRetentionDays')}
          hint={t('notificationSettings.retentionHint')}
        />
        <fieldset class="channel-choice">
          <legend>{t('notificationSettings.fees')}</legend>
          <Checkbox
            label={t('notificationSettings.invoiceNotices')}
            checked={draft.invoiceNotices}
            onValue={set('invoiceNotices')}
          />
          <TextField
            label={t('notificationSettings.reminderDays')}
            type="number"
            min={0}
            max={30}
            value={reminderDays}
            onValue={setReminderDays}
            error={form.fieldError('feeReminderDays')}
            hint={t('notificationSettings.reminderDaysHint')}
          />
          <Checkbox
            label={t('notificationSettings.overdueReminders')}
            checked={draft.overdueReminders}
            onValue={set('overdueReminders')}
          />
        </fieldset>
        <fieldset class="channel-choice">
          <legend>{t('notificationSettings.staffNotices')}</legend>
          <Checkbox
            label={t('notificationSettings.chronicAbsenceNotices')}
            checked={draft.chronicAbsenceNotices}
            onValue={set('chronicAbsenceNotices')}
          />
          <Checkbox
            label={t('notificationSettings.riskNotices')}
            checked={draft.riskNotices}
            onValue={set('riskNotices')}
          />
          <Checkbox
            label={t('notificationSettings.riskToGuardians')}
            checked={draft.riskNoticesToGuardians}
            onValue={set('riskNoticesToGuardians')}
          />
        </fieldset>
        <TextField
          label={t('notificationSettings.dailyTime')}
          value={draft.dailyNoticesTime}
          onValue={set('dailyNoticesTime')}
          error={form.fieldError('dailyNoticesTime')}
          hint={t('notificationSettings.dailyTimeHint')}
        />
        <fieldset class="channel-choice">
          <legend>{t('notificationSettings.defaults')}</legend>
          <p class="field-hint">{t('notificationSettings.defaultsHint')}</p>
          {categories.map((category) => (
            <div class="channel-row" key={category}>
              <span class="channel-row-name">{t(`inbox.category.${category}`)}</span>
              {channels.map((channel) => (
                <Checkbox
                  key={channel}
                  label={t('notificationSettings.defaultChannel', {
                    channel: t(`channel.${channel}`),
                    category: t(`inbox.category.${category}`),
                  })}
                  checked={defaults(category).includes(channel)}
                  onValue={(on) => toggleDefault(category, channel, on)}
                />
              ))}
            </div>
          ))}
        </fieldset>
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('common.save')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}

/** Each kind of message the school may reword, per language: edit, preview with example values, save or go back. */
function Templates() {
  const [resource, reload] = useApiGet<TemplateList>('/api/v1/notifications/templates');
  const [open, setOpen] = useState<{ kind: Template['kind']; locale: Template['locale'] } | undefined>(undefined);
  const list = resource.data;
  return (
    <Card title={t('templates.title')}>
      <p class="field-hint">{t('templates.lead')}</p>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!list ? <Loading /> : null}
      <ul class="template-list">
        {list?.items.flatMap((item) =>
          (['pt', 'en'] as const).map((locale) => {
            const wording = item.templates[locale];
            const isOpen = open?.kind === item.kind && open.locale === locale;
            return (
              <li key={`${item.kind}-${locale}`}>
                <div class="template-head">
                  <span>
                    {t(`templates.kind.${item.kind}`)} · {t(`language.${locale}`)}
                    {wording.custom ? ` · ${t('templates.custom')}` : ''}
                  </span>
                  <button
                    type="button"
                    class="button button-ghost"
                    aria-expanded={isOpen}
                    onClick={() => setOpen(isOpen ? undefined : { kind: item.kind, locale })}
                  >
                    {isOpen ? t('templates.close') : t('templates.edit')}
                  </button>
                </div>
                {isOpen ? (
                  <TemplateEditor
                    kind={item.kind}
                    locale={locale}
                    wording={wording}
                    variables={item.variables}
                    onSaved={() => {
                      reload();
                      setOpen(undefined);
                    }}
                  />
                ) : null}
              </li>
            );
          }),
        )}
      </ul>
    </Card>
  );
}

function TemplateEditor({
  kind,
  locale,
  wording,
  variables,
  onSaved,
}: {
  kind: Template['kind'];
  locale: Template['locale'];
  wording: { subject: string; body: string; short: string; custom: boolean };
  variables: Record<string, string>;
  onSaved: () => void;
}) {
  const { api, notify } = useApp();
  const [draft, setDraft] = useState({ subject: wording.subject, body: wording.body, short: wording.short });
  const [preview, setPreview] = useState<TemplatePreview | undefined>(undefined);
  const path = `/api/v1/notifications/templates/${kind}/${locale}`;
  const save = useSubmission(
    () => api.put<Template>(path, draft),
    () => {
      notify(t('templates.saved'));
      onSaved();
    },
  );
  const show = useSubmission(() => api.post<TemplatePreview>(`${path}/preview`, draft), setPreview);
  const reset = useSubmission(
    () => api.delete<Template>(path),
    () => {
      notify(t('templates.reset'));
      onSaved();
    },
  );
  const fieldError = (field: string) => save.fieldError(field) ?? show.fieldError(field);
  return (
    <form class="form" onSubmit={save.run} noValidate>
      <FormError error={save.error ?? show.error ?? reset.error} />
      <p class="field-hint">
        {t('templates.variables')}{' '}
        {Object.entries(variables).map(([name, meaning]) => (
          <span key={name} class="template-variable" title={meaning}>
            {`{{${name}}}`}{' '}
          </span>
        ))}
      </p>
      <TextField
        label={t('templates.subject')}
        value={draft.subject}
        onValue={(subject) => setDraft({ ...draft, subject })}
        error={fieldError('subject')}
      />
      <TextAreaField
        label={t('templates.body')}
        value={draft.body}
        onValue={(body) => setDraft({ ...draft, body })}
        error={fieldError('body')}
      />
      <TextField
        label={t('templates.short')}
        value={draft.short}
        onValue={(short) => setDraft({ ...draft, short })}
        error={fieldError('short')}
        hint={t('templates.shortHint')}
      />
      {preview ? (
        <div class="template-preview" aria-live="polite">
          <p>
            <strong>{preview.subject}</strong>
          </p>
          <p class="inbox-body">{preview.body}</p>
          <p class="field-hint">{preview.short}</p>
        </div>
      ) : null}
      <div class="form-actions">
        <button type="button" class="button button-secondary" onClick={() => show.run()}>
          {t('templates.preview')}
        </button>
        {wording.custom ? (
          <button type="button" class="button button-ghost" onClick={() => reset.run()}>
            {t('templates.useShipped')}
          </button>
        ) : null}
        <SubmitButton busy={save.busy}>{t('common.save')}</SubmitButton>
      </div>
    </form>
  );
}
