import { useState } from 'preact/hooks';
import type {
  ApiVersions,
  Integration,
  IntegrationScope,
  IntegrationWithSecret,
  NewIntegration,
  Page as ApiPage,
} from '../../api/types';
import { useApiGet, useApp, useResource } from '../../app-context';
import { loadWebConfig } from '../../config';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { ConfirmButton, FormError, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Badge, Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

export const scopes: IntegrationScope[] = [
  'roster-core.readonly',
  'roster.readonly',
  'gradebook.readonly',
  'gradebook.createput',
  'webhooks.manage',
];

/** Integrations: register a third-party app's OAuth client, see its secret once, rotate it, revoke it; the API's versions. */
export default function Integrations() {
  const [resource, reload] = useApiGet<ApiPage<Integration>>('/api/v1/integrations', { limit: 100 });
  const [shown, setShown] = useState<IntegrationWithSecret | undefined>(undefined);
  const integrations = resource.data?.items;
  return (
    <Page title={t('integrations.title')} subtitle={t('integrations.subtitle')} ready={Boolean(integrations)}>
      {shown ? <SecretOnce shown={shown} onDone={() => setShown(undefined)} /> : null}
      <Register
        onRegistered={(registered) => {
          setShown(registered);
          reload();
        }}
      />
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!integrations ? (
        <Loading />
      ) : integrations.length === 0 ? (
        <EmptyState title={t('integrations.none')} />
      ) : (
        <Table
          caption={t('integrations.listCaption')}
          rows={integrations}
          rowKey={(integration) => integration.id}
          columns={[
            {
              header: t('integrations.name'),
              cell: (integration) => <a href={`/integrations/${integration.id}`}>{integration.name}</a>,
            },
            { header: t('integrations.clientId'), cell: (integration) => <code>{integration.clientId}</code> },
            {
              header: t('integrations.scopes'),
              cell: (integration) => integration.scopes.map((scope) => t(`integrations.scope.${scope}`)).join(', '),
              wide: true,
            },
            {
              header: t('integrations.status'),
              cell: (integration) => (
                <Badge tone={integration.status === 'active' ? 'good' : 'neutral'}>
                  {t(`integrations.status.${integration.status}`)}
                </Badge>
              ),
            },
            {
              header: t('integrations.actions'),
              cell: (integration) => <Actions integration={integration} onRotated={setShown} onChanged={reload} />,
            },
          ]}
        />
      )}
      <Versions />
    </Page>
  );
}

/** The client's secret, this once: the API never shows it again. */
function SecretOnce({ shown, onDone }: { shown: IntegrationWithSecret; onDone: () => void }) {
  const [config] = useResource((signal) => loadWebConfig((input) => fetch(input, { signal })), []);
  const tokenUrl = config.data?.signInDomain
    ? `https://${config.data.signInDomain}/oauth2/token`
    : `${window.location.origin}/oauth2/token`;
  return (
    <Card title={t('integrations.secretTitle', { name: shown.integration.name })}>
      <p role="status">{t('integrations.secretOnce')}</p>
      <dl class="details">
        <dt>{t('integrations.clientId')}</dt>
        <dd>
          <code>{shown.integration.clientId}</code>
        </dd>
        <dt>{t('integrations.clientSecret')}</dt>
        <dd>
          <code data-secret>{shown.clientSecret}</code>
        </dd>
        <dt>{t('integrations.tokenUrl')}</dt>
        <dd>
          <code>{tokenUrl}</code>
        </dd>
      </dl>
      <div class="form-actions">
        <button type="button" class="button" onClick={onDone}>
          {t('integrations.secretSaved')}
        </button>
      </div>
    </Card>
  );
}

function Register({ onRegistered }: { onRegistered: (registered: IntegrationWithSecret) => void }) {
  const { api, notify } = useApp();
  const empty: NewIntegration = { name: '', scopes: ['roster-core.readonly'], requestsPerMinute: 600 };
  const [draft, setDraft] = useState<NewIntegration>(empty);
  const form = useSubmission(
    () => api.post<IntegrationWithSecret>('/api/v1/integrations', draft),
    (registered) => {
      notify(t('integrations.registered', { name: registered.integration.name }));
      setDraft(empty);
      onRegistered(registered);
    },
  );
  const toggle = (scope: IntegrationScope, on: boolean) =>
    setDraft({ ...draft, scopes: on ? [...draft.scopes, scope] : draft.scopes.filter((held) => held !== scope) });
  return (
    <Card title={t('integrations.registerTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <div class="form-row">
          <TextField
            label={t('integrations.name')}
            value={draft.name}
            onValue={(name) => setDraft({ ...draft, name })}
            error={form.fieldError('name')}
            required
            autoComplete="off"
          />
          <TextField
            label={t('integrations.rate')}
            type="number"
            min={1}
            max={6000}
            value={String(draft.requestsPerMinute)}
            onValue={(rate) => setDraft({ ...draft, requestsPerMinute: Number(rate) })}
            error={form.fieldError('requestsPerMinute')}
            hint={t('integrations.rateHint')}
          />
        </div>
        <fieldset class="channel-choice">
          <legend>{t('integrations.scopes')}</legend>
          {scopes.map((scope) => (
            <label class="checkbox" key={scope}>
              <input
                type="checkbox"
                checked={draft.scopes.includes(scope)}
                onChange={(event) => toggle(scope, event.currentTarget.checked)}
              />
              {t(`integrations.scope.${scope}`)}
            </label>
          ))}
          {form.fieldError('scopes') ? <p class="field-error">{form.fieldError('scopes')}</p> : null}
        </fieldset>
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('integrations.register')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}

function Actions({
  integration,
  onRotated,
  onChanged,
}: {
  integration: Integration;
  onRotated: (rotated: IntegrationWithSecret) => void;
  onChanged: () => void;
}) {
  const { api, format, notify } = useApp();
  const rotate = useSubmission(
    () => api.post<IntegrationWithSecret>(`/api/v1/integrations/${integration.id}/rotate-secret`),
    (rotated) => {
      onRotated(rotated);
      onChanged();
    },
  );
  const revoke = useSubmission(
    () => api.post(`/api/v1/integrations/${integration.id}/revoke`),
    () => {
      notify(t('integrations.revoked', { name: integration.name }));
      onChanged();
    },
  );
  if (integration.status === 'revoked') {
    return <>{t('integrations.revokedOn', { date: format.dateTime(integration.revokedAt) })}</>;
  }
  return (
    <div class="form-actions">
      <ConfirmButton
        action={rotate}
        label={t('integrations.rotateLabel', { name: integration.name })}
        confirm={t('integrations.rotateConfirm', { name: integration.name })}
      >
        {t('integrations.rotate')}
      </ConfirmButton>
      <ConfirmButton
        action={revoke}
        label={t('integrations.revokeLabel', { name: integration.name })}
        confirm={t('integrations.revokeConfirm', { name: integration.name })}
      >
        {t('integrations.revoke')}
      </ConfirmButton>
    </div>
  );
}

/** The API's versions and the unversioned paths' sunset, from `GET /api/versions`. */
function Versions() {
  const { format } = useApp();
  const [resource] = useApiGet<ApiVersions>('/api/versions');
  const versions = resource.data;
  return (
    <Card title={t('integrations.versionsTitle')}>
      {!versions ? (
        <Loading />
      ) : (
        <>
          <ul class="plain-list">
            {versions.versions.map((version) => (
              <li key={version.version}>
                <a href={version.docs}>{version.version}</a> — {t(`integrations.versionStatus.${version.status}`)} (
                <a href={version.openapi}>OpenAPI</a>)
              </li>
            ))}
          </ul>
          <p>
            {t('integrations.unversioned', {
              version: versions.unversioned.aliasOf,
              date: format.date(versions.unversioned.sunset, 'long'),
            })}
          </p>
        </>
      )}
    </Card>
  );
}
