import { render } from 'preact';
import { createApiClient } from './api/client';
import type { Me, SchoolSettings } from './api/types';
import { App } from './app';
import type { AppServices } from './app-context';
import { type Session, startSession } from './auth/session';
import { loadWebConfig } from './config';
import { defaultFormat, formatters } from './format';
import { t } from './i18n/i18n';
import { AttendanceOutbox } from './offline/attendance-outbox';
import { LiveInbox } from './notifications/live-inbox';
import { interceptLinks } from './router';
import { screenAt } from './screens';
import { SchoolSuspended, SchoolUnavailable, SignedOut, StartFailed } from './signed-out';

const suspendedSeenKey = 'campus:suspended-seen';

const root = document.getElementById('app')!;

// The first screen's code is fetched while the app signs in, not after.
const firstScreen = screenAt(location.pathname);
void firstScreen?.screen.load().catch(() => undefined);

async function boot(): Promise<void> {
  const config = await loadWebConfig();
  const { session, navigateTo } = await startSession(config);
  if (navigateTo) history.replaceState(null, '', navigateTo);
  session.onChange((state) => {
    if (state.status === 'signed-out') render(<SignedOut session={session} state={state} />, root);
  });
  if (session.state.status !== 'signed-in') {
    render(<SignedOut session={session} state={session.state} />, root);
    return;
  }
  await startApp(session);
}

async function startApp(session: Session): Promise<void> {
  const api = createApiClient({
    accessToken: () => session.accessToken(),
    refresh: () => session.refresh(),
    signedOut: () => render(<SignedOut session={session} state={{ status: 'signed-out', reason: 'expired' }} />, root),
  });
  // With the app's own requests, those of the screen it opens on (refused harmlessly if not the user's).
  if (firstScreen?.screen.prefetch && location.pathname === firstScreen.screen.path)
    api.prefetch(firstScreen.screen.prefetch);
  // Both at once: settings fail harmlessly for an operator (no school) or an unavailable school.
  const [me, settings] = await Promise.all([
    api.get<Me>('/api/v1/me'),
    api.get<SchoolSettings>('/api/v1/school/settings').catch(() => undefined),
  ]);
  if (me.school && me.school.access === 'none') {
    render(<SchoolUnavailable session={session} name={me.school.name} />, root);
    return;
  }
  if (me.school?.status === 'SUSPENDED' && sessionStorage.getItem(suspendedSeenKey) !== me.schoolId) {
    // Said once per session, plainly, before any screen; the banner keeps saying it after.
    await new Promise<void>((resume) =>
      render(
        <SchoolSuspended
          session={session}
          name={me.school!.name}
          onContinue={() => {
            sessionStorage.setItem(suspendedSeenKey, me.schoolId ?? '');
            resume();
          }}
        />,
        root,
      ),
    );
  }
  const format = settings
    ? { locale: settings.locale, timeZone: settings.timezone, currency: settings.currency }
    : defaultFormat;
  document.documentElement.lang = format.locale;
  const outbox = new AttendanceOutbox(api);
  const inbox = me.school ? new LiveInbox(api) : undefined;
  let notice = '';
  let clearNotice: ReturnType<typeof setTimeout> | undefined;
  const services: AppServices = {
    api,
    session,
    me,
    settings,
    format: formatters(format),
    outbox,
    inbox,
    notify(message) {
      notice = message;
      draw();
      clearTimeout(clearNotice);
      clearNotice = setTimeout(() => {
        notice = '';
        draw();
      }, 6000);
    },
  };
  const draw = () => render(<App services={services} notice={notice} />, root);
  interceptLinks(root);
  draw();
  void outbox.start();
  inbox?.start();
}

boot().catch((error: unknown) => {
  console.error(error);
  render(<StartFailed message={error instanceof Error ? error.message : String(error)} />, root);
  document.title = t('start.failedTitle');
});
