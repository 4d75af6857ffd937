import { useEffect, useState } from 'preact/hooks';
import type { Preferences, PreferencesInput, PushDevice, PushSettings } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { allowThisBrowser, pushAvailability, stopBrowser, thisDeviceId } from '../../notifications/browser-push';
import { describeError, ErrorState, Loading, Notice } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

type Category = Preferences['categories'][number];
type Channel = Category['channels'][number];
const channels: readonly Channel[] = ['email', 'sms', 'push'];

/**
 * A person's choices: the language of their messages, and for each kind of message the channels
 * beyond the app. What the school requires is shown as such and cannot be turned off; a channel
 * with no address on file says so.
 */
export default function NotificationPreferences() {
  const [resource, reload] = useApiGet<Preferences>('/api/v1/notifications/preferences');
  const [push, reloadPush] = useApiGet<PushSettings>('/api/v1/notifications/push');
  return (
    <Page title={t('preferences.title')} subtitle={t('preferences.lead')} ready={Boolean(resource.data)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {resource.data ? <PreferencesForm preferences={resource.data} devices={push.data?.devices ?? []} /> : <Loading />}
      {push.status === 'error' ? <ErrorState error={push.error} onRetry={reloadPush} /> : null}
      {push.data && resource.data ? (
        <BrowserNotifications
          devices={push.data.devices}
          onChange={() => {
            reloadPush();
            reload();
          }}
          preferences={resource.data}
        />
      ) : null}
    </Page>
  );
}

/**
 * This browser's notifications (allow them, or see why they cannot be), and the person's other
 * browsers, each of which can be stopped. Allowing a browser also chooses it for every kind of
 * message, which the channels above can then narrow.
 */
function BrowserNotifications({
  devices,
  preferences,
  onChange,
}: {
  devices: readonly PushDevice[];
  preferences: Preferences;
  onChange: () => void;
}) {
  const { api, notify, format } = useApp();
  const [availability, setAvailability] = useState(pushAvailability);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const current = thisDeviceId(devices);
  const allow = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const allowed = await allowThisBrowser(api);
      if (allowed === 'blocked') {
        setAvailability(pushAvailability());
        return;
      }
      const body: PreferencesInput = {
        locale: preferences.locale,
        channels: Object.fromEntries(
          preferences.categories.map((c) => [c.category, [...c.channels.filter((x) => x !== 'push'), 'push' as const]]),
        ),
      };
      await api.put<Preferences>('/api/v1/notifications/preferences', body);
      notify(t('preferences.push.allowed'));
      onChange();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const stop = async (device: PushDevice) => {
    setError(undefined);
    try {
      await stopBrowser(api, device.id);
      notify(t('preferences.push.stopped'));
      onChange();
    } catch (caught) {
      setError(caught);
    }
  };
  const name = (device: PushDevice) => device.device ?? t('preferences.push.unnamed');
  return (
    <Card>
      <h2>{t('preferences.push.title')}</h2>
      <p class="field-hint">{t('preferences.push.lead')}</p>
      {error ? <Notice tone="bad">{describeError(error)}</Notice> : null}
      {availability === 'unsupported' ? <Notice>{t('preferences.push.unsupported')}</Notice> : null}
      {availability === 'blocked' ? <Notice tone="warn">{t('preferences.push.blocked')}</Notice> : null}
      {availability === 'available' && !current ? (
        <p>
          <button type="button" class="button" disabled={busy} onClick={() => void allow()}>
            {busy ? t('preferences.push.allowing') : t('preferences.push.allow')}
          </button>
        </p>
      ) : null}
      <h3>{t('preferences.push.devices')}</h3>
      {devices.length ? (
        <ul class="device-list">
          {devices.map((device) => (
            <li key={device.id}>
              <span>
                {device.id === current ? t('preferences.push.thisDevice', { device: name(device) }) : name(device)}
                <span class="field-hint">
                  {' '}
                  · {t('preferences.push.since', { date: format.dateTime(device.createdAt) })}
                </span>
              </span>
              <button
                type="button"
                class="button button-ghost"
                aria-label={t('preferences.push.stopNamed', { device: name(device) })}
                onClick={() => void stop(device)}
              >
                {t('preferences.push.stop')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('preferences.push.none')}</p>
      )}
    </Card>
  );
}

function PreferencesForm({ preferences, devices }: { preferences: Preferences; devices: readonly PushDevice[] }) {
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
      return api.put<Preferences>('/api/v1/notifications/preferences', body);
    },
    () => notify(t('preferences.saved')),
  );
  const toggle = (category: Category['category'], channel: Channel, on: boolean) => {
    const now = chosen.get(category) ?? [];
    setChosen(new Map(chosen).set(category, on ? [...now, channel] : now.filter((c) => c !== channel)));
  };
  const address = (channel: Channel) =>
    channel === 'email' ? preferences.contact.email : channel === 'sms' ? preferences.contact.phone : devices.length;
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
