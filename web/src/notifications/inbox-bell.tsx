import { useApp } from '../app-context';
import { t } from '../i18n/i18n';
import { useLocation } from '../router';
import { useInbox } from './live-inbox';

/** The header's bell: a link to the inbox with the unread count, kept current by the live connection. */
export function InboxBell() {
  const { inbox } = useApp();
  const { pathname } = useLocation();
  const { unread } = useInbox(inbox);
  if (!inbox) return null;
  const shown = unread > 99 ? '99+' : String(unread);
  return (
    <a
      href="/inbox"
      class={`bell ${unread ? 'bell-unread' : ''}`}
      data-testid="inbox-bell"
      aria-current={pathname === '/inbox' ? 'page' : undefined}
      aria-label={t('inbox.bell', { count: unread, shown })}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {unread ? (
        <span class="bell-count" aria-hidden="true">
          {shown}
        </span>
      ) : null}
    </a>
  );
}
