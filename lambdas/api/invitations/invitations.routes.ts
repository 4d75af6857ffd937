import * as z from 'zod';
import { messageLink } from '../notifications/message-link.schemas';
import { routeGroup } from '../route-contract';

const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not an invitation token');

/** The page's form: the token again, and the password twice. */
export const invitationForm = z.object({ token, password: z.string().max(256), confirm: z.string().max(256) }).strict();
export type InvitationForm = z.infer<typeof invitationForm>;

const path = '/api/invitations/{schoolId}/{messageId}';

/**
 * An invitation's link, public by design: the invited person has no sign-in yet. The link is
 * signed with the stage's key for its school and message, works once, for a week, and sets the
 * password of the one account the invitation was for.
 */
export const invitationRoutes = routeGroup('lambdas/api/invitations/invitations.handler.ts', {
  getInvitationPage: {
    method: 'GET',
    path,
    access: 'public',
    grants: ['school-data-by-link', 'notification-keys'],
    summary:
      "The page an invitation e-mail's link opens: who is invited by which school, and the form to choose a password.",
    params: messageLink,
    query: z.object({ token }).strict(),
    response: { status: 200, html: true },
  },
  acceptInvitation: {
    method: 'POST',
    path,
    access: 'public',
    grants: ['school-data-by-link', 'notification-keys', 'set-passwords'],
    summary: 'Choose your password with the invitation: once, within 7 days of it being sent; then sign in with it.',
    params: messageLink,
    body: { form: invitationForm },
    response: { status: 200, html: true },
  },
});
