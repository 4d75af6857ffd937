import { useState } from 'preact/hooks';
import type { InboxMessage, InboxPage } from '../../api/types';
import { useApp, useResource } from '../../app-context';
import { t } from '../../i18n/i18n';
import { useInbox } from '../../notifications/live-inbox';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Card, Page } from '../../ui/page';

/**
 * The person's messages, newest first: unread ones marked, each read with one tap (or all at
 * once), older ones a page at a time. A message arriving while the screen is open shows at once.
 */
export default function Inbox() {
  const { api, inbox, format } = useApp();
  const { arrivals } = useInbox(inbox);
  const [older, setOlder] = useState<InboxMessage[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null | undefined>(undefined);
  const [readNow, setReadNow] = useState<ReadonlySet<string>>(new Set());
  const [resource, reload] = useResource(
    (signal) => api.get<InboxPage>('/api/v1/notifications', { query: { limit: 20 }, signal }),
    [arrivals],
  );
  const page = resource.data;
  const items = page ? [...page.items, ...older.filter((m) => !page.items.some((p) => p.id === m.id))] : [];
  const more = nextBefore === undefined ? page?.nextBefore : nextBefore;
  const isRead = (message: InboxMessage) => Boolean(message.readAt) || readNow.has(message.id);

  const markRead = async (message: InboxMessage) => {
    const answer = await api.post<{ unread: number }>(`/api/v1/notifications/${message.id}/read`);
    setReadNow(new Set([...readNow, message.id]));
    inbox?.setUnread(answer.unread);
  };
  const markAll = async () => {
    const answer = await api.post<{ unread: number }>('/api/v1/notifications/read-all');
    setReadNow(new Set(items.map((m) => m.id)));
    inbox?.setUnread(answer.unread);
  };
  const loadMore = async () => {
    if (!more) return;
    const next = await api.get<InboxPage>('/api/v1/notifications', { query: { limit: 20, before: more } });
    setOlder([...older, ...next.items]);
    setNextBefore(next.nextBefore);
  };
  const unread = items.filter((m) => !isRead(m)).length;

  return (
    <Page
      title={t('inbox.title')}
      subtitle={page ? t('inbox.unread', { count: Math.max(page.unread - readNow.size, 0) }) : undefined}
      ready={Boolean(page)}
      actions={
        <>
          {unread ? (
            <button type="button" class="button button-secondary" onClick={() => void markAll()}>
              {t('inbox.readAll')}
            </button>
          ) : null}
          <a class="button button-ghost" href="/notifications/preferences">
            {t('inbox.preferences')}
          </a>
        </>
      }
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={t('inbox.empty')}>{t('inbox.emptyBody')}</EmptyState>
      ) : (
        <Card>
          <ul class="inbox-list" aria-live="polite">
            {items.map((message) => (
              <li key={message.id} class={`inbox-item ${isRead(message) ? '' : 'inbox-item-unread'}`}>
                <div class="inbox-head">
                  <h2 class="inbox-subject">{message.subject || t('inbox.purged')}</h2>
                  {isRead(message) ? null : <Badge tone="info">{t('inbox.new')}</Badge>}
                </div>
                <p class="inbox-meta">
                  {t(`inbox.category.${message.category}`)} ·{' '}
                  <time dateTime={message.at}>{format.dateTime(message.at)}</time>
                </p>
                <p class="inbox-body">{message.body}</p>
                {isRead(message) ? null : (
                  <button
                    type="button"
                    class="button button-ghost"
                    onClick={() => void markRead(message)}
                    aria-label={t('inbox.markReadNamed', { subject: message.subject || t('inbox.purged') })}
                  >
                    {t('inbox.markRead')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {more ? (
            <button type="button" class="button button-secondary" onClick={() => void loadMore()}>
              {t('inbox.older')}
            </button>
          ) : null}
        </Card>
      )}
    </Page>
  );
}
