import { useEffect, useState } from 'preact/hooks';
import type { ExportDownload, PrivacyRequestView } from '../../api/types';
import { useApp } from '../../app-context';
import { type MessageKey, t } from '../../i18n/i18n';
import { FormError } from '../../ui/forms';
import { Badge } from '../../ui/page';

const tones = {
  'awaiting-approval': 'info',
  refused: 'neutral',
  queued: 'neutral',
  running: 'info',
  ready: 'good',
  downloaded: 'neutral',
  done: 'good',
  failed: 'bad',
} as const satisfies Record<PrivacyRequestView['status'], string>;

/** A request's status, and "overdue" beside it when it is still owed past its due date. */
export function RequestStatus({ request }: { request: PrivacyRequestView }) {
  const { format } = useApp();
  return (
    <span>
      <Badge tone={tones[request.status]}>{t(`privacy.status.${request.status}` as MessageKey)}</Badge>
      {request.overdue ? <Badge tone="bad">{t('privacy.overdue')}</Badge> : null}
      {request.status === 'downloaded' && request.downloadedAt ? (
        <span class="muted"> {t('privacy.downloadedOn', { date: format.dateTime(request.downloadedAt) })}</span>
      ) : null}
      {request.status === 'refused' && request.refusal ? (
        <span class="muted">
          {' '}
          {t('privacy.refusedBecause', { who: request.decidedBy ?? '—', reason: request.refusal })}
        </span>
      ) : null}
      {request.outcome ? <span class="muted"> {erasureSummary(request.outcome)}</span> : null}
    </span>
  );
}

/** What a finished erasure did, in one sentence: counts only. */
function erasureSummary(outcome: NonNullable<PrivacyRequestView['outcome']>): string {
  const removed = Object.values(outcome.removed).reduce((sum, n) => sum + n, 0);
  return outcome.pseudonym
    ? t('privacy.erasedSummary', {
        removed,
        grades: outcome.kept.grades,
        fees: outcome.kept.fees,
        pseudonym: outcome.pseudonym,
      })
    : t('privacy.erasedNothingKept', { removed });
}

/**
 * Asking for an erasure: the button shows what erasure does, and a second button confirms it.
 * `ask` sends the request (a new key per confirmed request).
 */
export function AskErasure({ guardian, ask }: { guardian: boolean; ask: () => Promise<unknown> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (!confirming) {
    return (
      <button type="button" class="button button-secondary" onClick={() => setConfirming(true)}>
        {t('privacy.askErasure')}
      </button>
    );
  }
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await ask();
      setConfirming(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="notice notice-warn" role="group" aria-label={t('privacy.askErasure')}>
      <p>{guardian ? t('privacy.guardianErasureWarning') : t('privacy.erasureWarning')}</p>
      <FormError error={error} />
      <button type="button" class="button button-danger" disabled={busy} onClick={() => void confirm()}>
        {t('privacy.confirmErasure')}
      </button>{' '}
      <button type="button" class="button button-secondary" onClick={() => setConfirming(false)}>
        {t('common.cancel')}
      </button>
    </div>
  );
}

/**
 * The one download of a finished export, for whoever asked: the button asks for the link (which
 * marks it downloaded) and the browser follows it at once. `path` is the request's download route.
 */
export function DownloadButton({
  request,
  path,
  onDone,
}: {
  request: PrivacyRequestView;
  path: string;
  onDone: () => void;
}) {
  const { api, format, notify } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (request.status !== 'ready') return null;
  if (!request.mine) return <span class="muted">{t('privacy.forSomeoneElse', { name: request.requestedBy })}</span>;
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const link = await api.post<ExportDownload>(path, undefined);
      notify(t('privacy.downloading'));
      window.location.assign(link.url);
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <FormError error={error} />
      <button type="button" class="button" disabled={busy} onClick={() => void download()}>
        {t('privacy.download', { size: format.fileSize(request.sizeBytes) })}
      </button>
      {request.downloadableUntil ? (
        <span class="muted"> {t('privacy.readyUntil', { date: format.dateTime(request.downloadableUntil) })}</span>
      ) : null}
    </>
  );
}

/** Looks again every 1.5 s while a request is being prepared. */
export function useRefreshWhilePreparing(items: readonly PrivacyRequestView[] | undefined, reload: () => void) {
  const preparing = items?.some((item) => item.status === 'queued' || item.status === 'running');
  useEffect(() => {
    if (!preparing) return;
    const timer = setTimeout(reload, 1500);
    return () => clearTimeout(timer);
  }, [preparing, items, reload]);
}
