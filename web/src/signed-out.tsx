import type { Session, SessionState } from './auth/session';
import { t } from './i18n/i18n';

function Frame({ title, children }: { title: string; children: preact.ComponentChildren }) {
  document.title = `${title} · Campus Cloud`;
  return (
    <main class="centre" id="main">
      <div class="card centre-card">
        <span class="brand-mark brand-mark-large" aria-hidden="true">
          CC
        </span>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** The page before sign-in, after sign-out, and when a session has ended. */
export function SignedOut({ session, state }: { session: Session; state: SessionState }) {
  const reason = state.status === 'signed-out' ? state : undefined;
  return (
    <Frame title={t('signIn.title')}>
      <p class="lead">{t('signIn.lead')}</p>
      {reason?.reason === 'expired' ? <p class="notice notice-warn">{t('signIn.expired')}</p> : null}
      {reason?.reason === 'error' ? (
        <p class="notice notice-bad" role="alert">
          {t('signIn.failed', { message: reason.message ?? '' })}
        </p>
      ) : null}
      <button type="button" class="button button-large" onClick={() => void session.signIn()}>
        {t('signIn.button')}
      </button>
    </Frame>
  );
}

/** A school that is suspended past reading, being removed or removed: say so, rather than fail on every screen. */
export function SchoolUnavailable({ session, name }: { session: Session; name: string }) {
  return (
    <Frame title={t('unavailable.title')}>
      <p>{name ? t('unavailable.named', { name }) : t('unavailable.body')}</p>
      <p>{t('unavailable.contact')}</p>
      <button type="button" class="button button-secondary" onClick={() => void session.signOut()}>
        {t('shell.signOut')}
      </button>
    </Frame>
  );
}

export function StartFailed({ message }: { message: string }) {
  return (
    <Frame title={t('start.failedTitle')}>
      <p>{t('start.failedBody')}</p>
      <p class="muted">{message}</p>
      <button type="button" class="button" onClick={() => window.location.reload()}>
        {t('common.retry')}
      </button>
    </Frame>
  );
}

/** A suspended school: its records can be read (and exported), not changed. */
export function SchoolSuspended({
  session,
  name,
  onContinue,
}: {
  session: Session;
  name: string;
  onContinue: () => void;
}) {
  return (
    <Frame title={t('suspended.title', { name })}>
      <p>{t('suspended.body')}</p>
      <p>{t('unavailable.contact')}</p>
      <button type="button" class="button" onClick={onContinue}>
        {t('suspended.continue')}
      </button>
      <button type="button" class="button button-ghost" onClick={() => void session.signOut()}>
        {t('shell.signOut')}
      </button>
    </Frame>
  );
}
