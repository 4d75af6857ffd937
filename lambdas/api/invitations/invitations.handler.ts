import { HttpError } from '../../shared/http';
import { linkTokenMatches, readNotificationKeys } from '../../shared/notification-keys';
import { passwordShortfalls } from '../../shared/password-policy';
import { appOriginVariable } from '../../shared/platform-variables';
import { CognitoUserDirectory, PasswordRefusedError, type UserDirectory } from '../../shared/user-directory';
import { apiHandler, type ApiRequest, reply } from '../api-handler';
import { noStore, schoolSessionOfLink } from '../link-pages';
import { describeInvitation, formErrorWords, invalidLinkPage, invitationPage, recordAcceptance } from './invitations';
import { invitationRoutes } from './invitations.routes';

/** Who the audit log names for an invitation taken up through its link. */
const linkActor = 'invitation-link';

let directory: UserDirectory | undefined;
const appOrigin = () => process.env[appOriginVariable] ?? '';

/**
 * The link's school session, once the token is the stage's signature for its school and
 * message; a forged or altered link gets a page that says nothing about the invitation.
 */
async function openedLink(request: ApiRequest & { params: { schoolId: string; messageId: string } }, token: string) {
  const { schoolId, messageId } = request.params;
  if (!linkTokenMatches(await readNotificationKeys(), schoolId, messageId, token)) {
    throw new HttpError(404, 'NOT_FOUND', 'This invitation link is not valid.');
  }
  const db = await schoolSessionOfLink(schoolId, request, linkActor);
  return { db, messageId, invitation: await describeInvitation(db, messageId) };
}

const invalidLink = (error: unknown) => {
  if (error instanceof HttpError && error.statusCode === 404) return reply(404, invalidLinkPage(), noStore);
  throw error;
};

export const handler = apiHandler(invitationRoutes, {
  getInvitationPage: async (request) => {
    try {
      const { invitation } = await openedLink(request, request.query.token);
      const state =
        invitation.status === 'open'
          ? { show: 'form' as const, token: request.query.token }
          : { show: invitation.status };
      return reply(200, invitationPage(invitation, state, appOrigin()), noStore);
    } catch (error) {
      return invalidLink(error);
    }
  },
  acceptInvitation: async (request) => {
    const { token, password, confirm } = request.body;
    let opened: Awaited<ReturnType<typeof openedLink>>;
    try {
      opened = await openedLink(request, token);
    } catch (error) {
      return invalidLink(error);
    }
    const { db, messageId, invitation } = opened;
    if (invitation.status !== 'open') {
      return reply(200, invitationPage(invitation, { show: invitation.status }, appOrigin()), noStore);
    }
    const said = formErrorWords(invitation.language);
    const shortfalls = passwordShortfalls(password, invitation.language);
    const errors = [
      ...(shortfalls.length ? [said.needs(shortfalls)] : []),
      ...(password !== confirm ? [said.mismatch] : []),
    ];
    if (!errors.length) {
      try {
        // The password first: if recording fails after it, the link still works and sets it again.
        await (directory ??= new CognitoUserDirectory()).setPassword(invitation.email, password);
      } catch (error) {
        if (!(error instanceof PasswordRefusedError)) throw error;
        errors.push(error.message);
      }
    }
    if (errors.length) {
      return reply(400, invitationPage(invitation, { show: 'form', token, errors }, appOrigin()), noStore);
    }
    const recorded = await recordAcceptance(db, messageId);
    return reply(200, invitationPage(recorded, { show: 'done' }, appOrigin()), noStore);
  },
});
