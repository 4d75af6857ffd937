import { useEffect, useState } from 'preact/hooks';
import type { Preferences, PreferencesInput } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

type Category = Preferences['categories'][number];
type Channel = Category['channels'][number];
const channels: readonly Channel[] = ['email', 'sms'];

/**
 * A person's choices: the language of their messages, and for each kind of message the channels
 * beyond the app. What the school requires is shown as such and cannot be turned off; a channel
 * with no address on file says so.
 */
export default function NotificationPreferences() {
  const [resource, reload] = useApiGet<Preferences>('/api/notifications/preferences');
  return (
    <Page title={t('preferences.title')} subtitle={t('preferences.lead')} ready={Boolean(resource.data)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {resource.data ? <PreferencesForm preferences={resource.data} /> : <Loading />}
    </Page>
  );
}

function PreferencesForm({ preferences }: { preferences: Preferences }) {
  const { api, notify } = useApp();
  const [locale, setLocale] = useState(preferences.locale ?? '');
  const [chosen, setChosen] = useState(() => new Map(preferences.categories.map((c) => [c.category, c.channels])));
  useEffect(() => {
    setLocale(preferences.locale ?? '');
    setChosen(new Map(preferences.categories.map((c) => [c.category, c.channels])));
  }, [preferences]);
  const form = useSubmission(
    () => {
      const body: PreferencesInput = {
        locale: locale === 'en' || locale === 'pt' ? locale : null,
        channels: Object.fromEntries(chosen),
      };
      return api.put<Preferences>('/api/notifications/preferences', body);
    },
    () => notify(t('preferences.saved')),
  );
  const toggle = (category: Category['category'], channel: Channel, on: boolean) => {
    const now = chosen.get(category) ?? [];
    setChosen(new Map(chosen).set(category, on ? [...now, channel] : now.filter((c) => c !== channel)));
  };
  const address = (channel: Channel) => (channel === 'email' ? preferences.contact.email : preferences.contact.phone);
  return (
    <Card>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <SelectField
          label={t('preferences.language')}
          value={locale}
          onValue={setLocale}
          options={[
            {
              value: '',
              label: t('preferences.schoolLanguage', { language: t(`language.${preferences.schoolLocale}`) }),
            },
            { value: 'en', label: t('language.en') },
            { value: 'pt', label: t('language.pt') },
          ]}
          error={form.fieldError('locale')}
        />
        <p class="field-hint">{t('preferences.inAppAlways')}</p>
        {preferences.categories.map((category) => (
          <fieldset class="channel-choice" key={category.category}>
            <legend>{t(`inbox.category.${category.category}`)}</legend>
            {category.required ? <p class="field-hint">{t('preferences.required')}</p> : null}
            {channels.map((channel) => {
              const on = (chosen.get(category.category) ?? []).includes(channel);
              const missing = !address(channel);
              return (
                <label class="checkbox" key={channel}>
                  <input
                    type="checkbox"
                    checked={on}
                    // A required category keeps at least the channels the school set.
                    disabled={category.required && on && (chosen.get(category.category) ?? []).length === 1}
                    onChange={(event) => toggle(category.category, channel, event.currentTarget.checked)}
                  />
                  {t(`channel.${channel}`)}
                  {missing ? <span class="field-hint"> · {t(`preferences.no.${channel}`)}</span> : null}
                </label>
              );
            })}
            {form.fieldError(`channels.${category.category}`) ? (
              <p class="field-error">{form.fieldError(`channels.${category.category}`)}</p>
            ) : null}
          </fieldset>
        ))}
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('common.save')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
