import { routeGroup } from '../route-contract';
import { messageLink } from './message-link.schemas';

const path = '/api/notifications/unsubscribe/{schoolId}/{messageId}';

/**
 * One-click unsubscribe (RFC 8058), public by design: the mail client (or the person, from the
 * page) posts to the link of the e-mail's `List-Unsubscribe` header, with no session; the link's
 * message id, which only the recipient's mailbox holds, is what lets it change one thing: that
 * the recipient no longer gets the message's category by e-mail. Essential messages (about the
 * person's own child or account) carry no link.
 */
export const unsubscribeRoutes = routeGroup('lambdas/api/notifications/unsubscribe.handler.ts', {
  getUnsubscribePage: {
    method: 'GET',
    path,
    access: 'public',
    grants: ['school-data-by-link'],
    summary:
      "The page an e-mail's unsubscribe link opens: what it stops, and a button that stops it (a GET changes nothing).",
    params: messageLink,
    response: { status: 200, html: true },
  },
  unsubscribe: {
    method: 'POST',
    path,
    access: 'public',
    grants: ['school-data-by-link'],
    summary: "One-click unsubscribe (RFC 8058): the e-mail's recipient no longer gets its category by e-mail.",
    params: messageLink,
    response: { status: 200, html: true },
  },
});
