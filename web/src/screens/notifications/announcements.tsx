import { useMemo, useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type {
  AnnouncementCreated,
  AnnouncementDraft,
  AnnouncementPreview,
  Audience,
  MyClasses,
  RequestsPage,
} from '../../api/types';
import { hasRole, useApiGet, useApp, useResource } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import {
  FormError,
  type Option,
  SelectField,
  SubmitButton,
  TextAreaField,
  TextField,
  useSubmission,
} from '../../ui/forms';
import { Badge, Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

type Scope = Audience['scope'];

/** A new client key per announcement written: sending the same one twice sends it once. */
const newClientKey = () => `web-${crypto.randomUUID()}`;

/**
 * Announcements: the composer (to the school, all staff, a grade, a class or its guardians; a
 * teacher to their own classes), its preview with the count of recipients and channels before
 * anything is sent, now or at a time; and what was sent, each with its delivery report.
 */
export default function Announcements() {
  const [sentVersion, setSentVersion] = useState(0);
  return (
    <Page title={t('announcements.title')} subtitle={t('announcements.lead')}>
      <Composer onSent={() => setSentVersion(sentVersion + 1)} />
      <Sent version={sentVersion} />
    </Page>
  );
}

function Composer({ onSent }: { onSent: () => void }) {
  const { api, me, notify, format } = useApp();
  const admin = hasRole(me, 'school-admin');
  const grades = useLookup('/api/v1/grade-levels');
  const allClasses = useLookup('/api/v1/classes');
  const [mine] = useApiGet<MyClasses>(admin ? undefined : '/api/v1/me/classes');
  const classes: Option[] = admin
    ? (allClasses ?? []).map((c) => ({ value: c.id, label: c.name }))
    : (mine.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }));
  const scopes: Scope[] = admin
    ? ['school', 'staff', 'grade', 'class', 'class-guardians']
    : ['class', 'class-guardians'];
  const [scope, setScope] = useState<Scope>(scopes[0]!);
  const [target, setTarget] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [clientKey, setClientKey] = useState(newClientKey);
  const [preview, setPreview] = useState<{ draft: string; answer: AnnouncementPreview } | undefined>(undefined);

  const audience = useMemo((): Audience | undefined => {
    if (scope === 'school' || scope === 'staff') return { scope };
    if (!target) return undefined;
    return scope === 'grade' ? { scope, gradeLevelId: target } : { scope, classId: target };
  }, [scope, target]);
  const draft = (): AnnouncementDraft => ({ audience: audience ?? ({ scope } as Audience), title, body });
  const drafted = JSON.stringify(draft());
  const previewed = preview?.draft === drafted ? preview.answer : undefined;

  const check = useSubmission(
    () => api.post<AnnouncementPreview>('/api/v1/notifications/announcements/preview', draft()),
    (answer) => setPreview({ draft: drafted, answer }),
  );
  const send = useSubmission(
    () =>
      api.post<AnnouncementCreated>('/api/v1/notifications/announcements', {
        ...draft(),
        clientKey,
        ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
      }),
    (created) => {
      notify(
        sendAt
          ? t('announcements.scheduled', { count: created.recipients, when: format.dateTime(created.dueAt) })
          : t('announcements.sent', { count: created.recipients }),
      );
      setTitle('');
      setBody('');
      setSendAt('');
      setPreview(undefined);
      setClientKey(newClientKey());
      onSent();
    },
  );
  const fieldError = (field: string) => send.fieldError(field) ?? check.fieldError(field);
  const targets = scope === 'grade' ? (grades ?? []).map((g) => ({ value: g.id, label: g.name })) : classes;

  return (
    <Card title={t('announcements.compose')}>
      <form class="form" onSubmit={send.run} noValidate>
        <FormError error={send.error ?? check.error} />
        <div class="form-row">
          <SelectField
            label={t('announcements.audience')}
            value={scope}
            onValue={(value) => {
              setScope(value as Scope);
              setTarget('');
            }}
            options={scopes.map((s) => ({ value: s, label: t(`announcements.scope.${s}`) }))}
          />
          {scope === 'school' || scope === 'staff' ? null : (
            <SelectField
              label={scope === 'grade' ? t('announcements.grade') : t('announcements.class')}
              value={target}
              onValue={setTarget}
              options={targets}
              placeholder={t('common.choose')}
              error={fieldError('audience.gradeLevelId') ?? fieldError('audience.classId') ?? fieldError('audience')}
              required
            />
          )}
        </div>
        <TextField
          label={t('announcements.titleField')}
          value={title}
          onValue={setTitle}
          maxLength={200}
          error={fieldError('title')}
          required
        />
        <TextAreaField
          label={t('announcements.body')}
          value={body}
          onValue={setBody}
          maxLength={5000}
          error={fieldError('body')}
        />
        <TextField
          label={t('announcements.sendAt')}
          type="datetime-local"
          value={sendAt}
          onValue={setSendAt}
          hint={t('announcements.sendAtHint')}
          error={fieldError('sendAt')}
        />
        {previewed ? (
          <div class="notice" role="status" data-testid="announcement-preview">
            <p>
              <strong>
                {t('announcements.reaches', {
                  count: previewed.recipients.total,
                  guardians: previewed.recipients.guardians,
                  staff: previewed.recipients.staff,
                })}
              </strong>
            </p>
            <p>
              {t('announcements.channels', {
                inApp: previewed.channels['in-app'],
                email: previewed.channels.email,
                sms: previewed.channels.sms,
              })}
            </p>
            <p class="inbox-body">{previewed.message.body}</p>
          </div>
        ) : null}
        <div class="form-actions">
          <button type="button" class="button button-secondary" disabled={check.busy} onClick={() => check.run()}>
            {t('announcements.preview')}
          </button>
          {previewed ? (
            <SubmitButton busy={send.busy}>
              {sendAt ? t('announcements.schedule') : t('announcements.send', { count: previewed.recipients.total })}
            </SubmitButton>
          ) : null}
        </div>
      </form>
    </Card>
  );
}

function Sent({ version }: { version: number }) {
  const { api, format } = useApp();
  const [resource, reload] = useResource(
    (signal) =>
      api.get<RequestsPage>('/api/v1/notifications/requests', { query: { kind: 'announcement', limit: 20 }, signal }),
    [version],
  );
  const items = resource.data?.items;
  return (
    <Card title={t('announcements.sentTitle')}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={t('announcements.none')} />
      ) : (
        <Table
          caption={t('announcements.sentTitle')}
          compact
          rows={items}
          rowKey={(row) => row.id}
          columns={[
            {
              header: t('announcements.when'),
              cell: (row) => <a href={`/notifications/requests/${row.id}`}>{format.dateTime(row.dueAt)}</a>,
            },
            {
              header: t('report.status'),
              cell: (row) => (
                <Badge tone={row.status === 'cancelled' ? 'warn' : 'neutral'}>{t(`request.${row.status}`)}</Badge>
              ),
            },
            {
              header: t('report.delivered'),
              numeric: true,
              cell: (row) => format.number((row.totals.delivered ?? 0) + (row.totals.sent ?? 0)),
            },
            {
              header: t('report.problems'),
              numeric: true,
              wide: true,
              cell: (row) =>
                format.number(
                  (row.totals.bounced ?? 0) +
                    (row.totals.complained ?? 0) +
                    (row.totals.failed ?? 0) +
                    (row.totals['opted-out'] ?? 0) +
                    (row.totals['over-budget'] ?? 0),
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}
