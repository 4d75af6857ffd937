import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { t } from '../i18n/i18n';
import type { OutboxState } from './attendance-outbox';

export function useOutbox(): OutboxState {
  const { outbox } = useApp();
  const [state, setState] = useState(outbox.current);
  useEffect(() => outbox.subscribe(setState), [outbox]);
  return state;
}

/** In the header: whether the browser is offline, and how many registers wait to be sent. */
export function SyncStatus() {
  const { online, pending, syncing } = useOutbox();
  if (online && pending.length === 0) return null;
  const text = !online
    ? pending.length
      ? t('sync.offlineWaiting', { count: pending.length })
      : t('sync.offline')
    : syncing
      ? t('sync.syncing', { count: pending.length })
      : t('sync.waiting', { count: pending.length });
  return (
    <span class={`sync ${online ? 'sync-waiting' : 'sync-offline'}`} role="status" data-testid="sync-status">
      {text}
    </span>
  );
}
