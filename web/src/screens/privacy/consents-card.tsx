import { useState } from 'preact/hooks';
import type { RecordedConsent, StudentConsents } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { type MessageKey, t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Badge, Card } from '../../ui/page';
import { Table } from '../../ui/table';

type Purpose = keyof StudentConsents['inForce'];
type Status = StudentConsents['history'][number]['status'];
type Decision = StudentConsents['history'][number];
const purposes: readonly Purpose[] = ['analytics', 'messages', 'integrations'];
const statuses: readonly Status[] = ['given', 'refused', 'withdrawn'];
const methods: readonly RecordedConsent['method'][] = ['paper', 'email', 'in-person', 'phone'];

const tone = (status: Status | 'none') =>
  status === 'given' ? 'good' : status === 'none' ? 'neutral' : status === 'refused' ? 'bad' : 'warn';

export function ConsentBadge({ status }: { status: Status | 'none' }) {
  return <Badge tone={tone(status)}>{t(`consents.status.${status}` as MessageKey)}</Badge>;
}

/**
 * A student's consents: for a guardian (`guardian`), their own decisions in the portal, each
 * purpose given, refused or withdrawn with one button; for the school, the decisions in force and
 * a form to record one it received (on paper, by e-mail…), naming the guardian. Both show the
 * basis analytics runs on, whether the student is scored, and every decision.
 */
export function ConsentsCard({
  studentId,
  guardian = false,
  guardians = [],
}: {
  studentId: string;
  guardian?: boolean;
  guardians?: readonly { id: string; name: string }[];
}) {
  const { format } = useApp();
  const path = guardian
    ? `/api/v1/portal/children/${encodeURIComponent(studentId)}/consents`
    : `/api/v1/students/${encodeURIComponent(studentId)}/consents`;
  const [resource, reload] = useApiGet<StudentConsents>(path);
  const consents = resource.data;
  const describe = (decision: Decision | Omit<Decision, 'purpose'>) =>
    t('consents.decidedBy', {
      status: t(`consents.status.${decision.status}` as MessageKey),
      who: decision.guardian?.name ?? decision.recordedBy,
      method: t(`consents.method.${decision.method}` as MessageKey),
      when: format.dateTime(decision.recordedAt),
    });
  return (
    <Card title={t('consents.title')}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!consents ? (
        <Loading />
      ) : (
        <>
          <p class="muted">
            {t(`consents.basis.${consents.lawfulBasis}` as MessageKey)}{' '}
            {consents.parentalConsentUnder ? t('consents.under', { age: consents.parentalConsentUnder }) : null}
          </p>
          <p>
            <Badge tone={consents.analyticsScored ? 'info' : 'neutral'}>
              {consents.analyticsScored ? t('consents.scored') : t('consents.notScored')}
            </Badge>
          </p>
          <ul class="plain-list">
            {purposes.map((purpose) => {
              const inForce = consents.inForce[purpose];
              return (
                <li key={purpose}>
                  <strong>{t(`consents.purpose.${purpose}` as MessageKey)}</strong>{' '}
                  <ConsentBadge status={inForce?.status ?? 'none'} />
                  {inForce ? (
                    <>
                      <br />
                      <span class="muted">{describe(inForce)}</span>
                    </>
                  ) : null}
                  {guardian ? (
                    <GuardianChoice path={path} purpose={purpose} inForce={inForce?.status} onDone={reload} />
                  ) : null}
                </li>
              );
            })}
          </ul>
          {guardian ? null : <RecordConsentForm path={path} guardians={guardians} onDone={reload} />}
          <h3 class="subheading">{t('consents.history')}</h3>
          {consents.history.length === 0 ? <EmptyState title={t('consents.noHistory')} /> : null}
          <Table
            compact
            caption={t('consents.history')}
            rows={consents.history}
            rowKey={(decision) => `${decision.purpose}-${decision.recordedAt}-${decision.status}`}
            columns={[
              { header: t('consents.when'), cell: (decision) => format.dateTime(decision.recordedAt) },
              {
                header: t('consents.purpose'),
                cell: (decision) => t(`consents.short.${decision.purpose}` as MessageKey),
              },
              { header: t('consents.status'), cell: (decision) => <ConsentBadge status={decision.status} /> },
              {
                header: t('consents.who'),
                cell: (decision) =>
                  `${decision.guardian?.name ?? decision.recordedBy} · ${t(`consents.method.${decision.method}` as MessageKey)}`,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}

/** A guardian's buttons for one purpose: give or refuse, or withdraw what was given. */
function GuardianChoice({
  path,
  purpose,
  inForce,
  onDone,
}: {
  path: string;
  purpose: Purpose;
  inForce: Status | undefined;
  onDone: () => void;
}) {
  const { api, notify } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const decide = async (status: Status) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.put<StudentConsents>(`${path}/${purpose}`, { status });
      notify(status === 'withdrawn' ? t('consents.withdrawnSaved') : t('consents.saved'));
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const name = t(`consents.short.${purpose}` as MessageKey);
  // What can follow the decision in force: a consent given can be withdrawn; otherwise given, or refused.
  const choices: readonly { status: Status; label: MessageKey; name: MessageKey; primary: boolean }[] =
    inForce === 'given'
      ? [{ status: 'withdrawn', label: 'consents.withdraw', name: 'consents.withdrawLabel', primary: false }]
      : [
          { status: 'given', label: 'consents.give', name: 'consents.giveLabel', primary: true },
          ...(inForce === 'refused'
            ? []
            : [
                {
                  status: 'refused' as const,
                  label: 'consents.refuse' as const,
                  name: 'consents.refuseLabel' as const,
                  primary: false,
                },
              ]),
        ];
  return (
    <div class="actions">
      {choices.map((choice) => (
        <button
          key={choice.status}
          type="button"
          class={choice.primary ? 'button' : 'button button-secondary'}
          disabled={busy}
          aria-label={t(choice.name, { purpose: name })}
          onClick={() => void decide(choice.status)}
        >
          {t(choice.label)}
        </button>
      ))}
      <FormError error={error} />
    </div>
  );
}

/** The school's form: a decision it received from a guardian, how, and a note. */
function RecordConsentForm({
  path,
  guardians,
  onDone,
}: {
  path: string;
  guardians: readonly { id: string; name: string }[];
  onDone: () => void;
}) {
  const { api, notify } = useApp();
  const [purpose, setPurpose] = useState<Purpose>('analytics');
  const [status, setStatus] = useState<Status>('given');
  const [method, setMethod] = useState<RecordedConsent['method']>('paper');
  const [guardianId, setGuardianId] = useState(guardians[0]?.id ?? '');
  const [note, setNote] = useState('');
  const { busy, error, run, fieldError } = useSubmission(
    () =>
      api.put<StudentConsents>(`${path}/${purpose}`, {
        status,
        method,
        ...(guardianId ? { guardianId } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      } satisfies RecordedConsent),
    () => {
      notify(t('consents.recorded'));
      setNote('');
      onDone();
    },
  );
  return (
    <form class="form" onSubmit={run} noValidate>
      <h3 class="subheading">{t('consents.record')}</h3>
      <FormError error={error} />
      <SelectField
        label={t('consents.purpose')}
        value={purpose}
        onValue={(value) => setPurpose(value as Purpose)}
        options={purposes.map((p) => ({ value: p, label: t(`consents.short.${p}` as MessageKey) }))}
      />
      <SelectField
        label={t('consents.status')}
        value={status}
        onValue={(value) => setStatus(value as Status)}
        error={fieldError('body.status')}
        options={statuses.map((s) => ({ value: s, label: t(`consents.status.${s}` as MessageKey) }))}
      />
      <SelectField
        label={t('consents.method')}
        value={method}
        onValue={(value) => setMethod(value as RecordedConsent['method'])}
        error={fieldError('body.method')}
        options={methods.map((m) => ({ value: m, label: t(`consents.method.${m}` as MessageKey) }))}
      />
      <SelectField
        label={t('consents.guardian')}
        value={guardianId}
        onValue={setGuardianId}
        error={fieldError('body.guardianId')}
        options={[
          ...guardians.map((g) => ({ value: g.id, label: g.name })),
          { value: '', label: t('consents.noGuardian') },
        ]}
      />
      <TextField
        label={t('consents.note')}
        value={note}
        onValue={setNote}
        error={fieldError('body.note')}
        maxLength={500}
      />
      <SubmitButton busy={busy}>{t('consents.record')}</SubmitButton>
    </form>
  );
}
