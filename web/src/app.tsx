import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AppContext, type AppServices, hasRole } from './app-context';
import { t } from './i18n/i18n';
import { markScreenLoading } from './ready';
import { navigate, useLocation } from './router';
import { homePath, type Screen, type ScreenProps, screenAt, screens } from './screens';
import { forgetRosters } from './offline/rosters';
import { InboxBell } from './notifications/inbox-bell';
import { SyncStatus } from './offline/sync-status';
import { ErrorState, Loading } from './ui/feedback';
import { Page } from './ui/page';

const loaded = new Map<Screen, FunctionComponent<ScreenProps>>();

function useScreen(screen: Screen | undefined) {
  const [, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    setError(undefined);
    if (!screen || loaded.has(screen)) return;
    let current = true;
    screen.load().then(
      (module) => {
        loaded.set(screen, module.default);
        if (current) setVersion((value) => value + 1);
      },
      (caught) => current && setError(caught),
    );
    return () => {
      current = false;
    };
  }, [screen]);
  return { Component: screen ? loaded.get(screen) : undefined, error };
}

function NotFound() {
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <a href="/">{t('notFound.home')}</a>
    </Page>
  );
}

function Outlet({ services }: { services: AppServices }) {
  const location = useLocation();
  const { me } = services;
  const match = useMemo(() => screenAt(location.pathname), [location.pathname]);
  const allowed = match && hasRole(me, ...match.screen.roles);
  const { Component, error } = useScreen(allowed ? match.screen : undefined);
  useEffect(() => {
    if (location.pathname === '/' && homePath(me.roles) !== '/') navigate(homePath(me.roles), { replace: true });
  }, [location.pathname, me.roles]);
  useEffect(() => markScreenLoading(), [location.pathname]);

  if (location.pathname === '/' && homePath(me.roles) === '/') {
    return (
      <Page title={t('noRole.title')}>
        <p>{t('noRole.body')}</p>
      </Page>
    );
  }
  if (location.pathname === '/') return <Loading />;
  if (!match || !allowed) return <NotFound />;
  if (error) return <ErrorState error={error} onRetry={() => location.pathname && window.location.reload()} />;
  if (!Component) return <Loading />;
  return <Component key={location.pathname} params={match.params} />;
}

function Navigation({ services }: { services: AppServices }) {
  const { pathname } = useLocation();
  const items = screens.filter((screen) => screen.nav && hasRole(services.me, ...screen.roles));
  if (items.length < 2) return null;
  return (
    <nav class="app-nav" aria-label={t('nav.label')}>
      <ul>
        {items.map((screen) => {
          const current = pathname === screen.path || pathname.startsWith(`${screen.path}/`);
          return (
            <li key={screen.path}>
              <a href={screen.path} aria-current={current ? 'page' : undefined}>
                {t(screen.nav!)}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** Signs out; anything of the school's left on this device (registers, class lists) goes with the session. */
async function signOut({ session, outbox, inbox }: AppServices): Promise<void> {
  const waiting = outbox.current.pending.length;
  if (waiting && !window.confirm(t('shell.signOutPending', { count: waiting }))) return;
  inbox?.stop();
  await Promise.all([outbox.clearAll(), forgetRosters()]);
  await session.signOut();
}

export function App({ services, notice }: { services: AppServices; notice: string }) {
  const { me, session } = services;
  const profile = session.state.status === 'signed-in' ? session.state.profile : undefined;
  const readOnly = me.school?.access === 'read-only';
  return (
    <AppContext.Provider value={services}>
      <a class="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header class="app-header">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">
            CC
          </span>
          <span class="brand-name">{me.school?.name || t('shell.platform')}</span>
        </a>
        <div class="app-user">
          {hasRole(me, 'teacher', 'school-admin') ? <SyncStatus /> : null}
          <InboxBell />
          <span class="app-user-name">{profile?.name}</span>
          <button type="button" class="button button-ghost" onClick={() => void signOut(services)}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <Navigation services={services} />
      {readOnly ? (
        <div class="banner banner-warn" role="status">
          {me.school?.status === 'SUSPENDED' ? t('shell.suspended') : t('shell.readOnly')}
        </div>
      ) : null}
      <main id="main" class="app-main">
        <Outlet services={services} />
      </main>
      <div class="toast" role="status" aria-live="polite">
        {notice}
      </div>
    </AppContext.Provider>
  );
}
