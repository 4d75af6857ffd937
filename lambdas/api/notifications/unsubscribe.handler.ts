import { apiHandler, type ApiRequest, reply } from '../api-handler';
import { noStore, schoolSessionOfLink } from '../link-pages';
import { describeUnsubscribeLink, unsubscribeByLink, unsubscribePage } from './unsubscribe';
import { unsubscribeRoutes } from './unsubscribe.routes';

/** Who the audit log names for a change made through an unsubscribe link. */
const linkActor = 'unsubscribe-link';

const schoolOfLink = (schoolId: string, request: ApiRequest) => schoolSessionOfLink(schoolId, request, linkActor);

export const handler = apiHandler(unsubscribeRoutes, {
  getUnsubscribePage: async (request) => {
    const db = await schoolOfLink(request.params.schoolId, request);
    return reply(200, unsubscribePage(await describeUnsubscribeLink(db, request.params.messageId)), noStore);
  },
  unsubscribe: async (request) => {
    const db = await schoolOfLink(request.params.schoolId, request);
    return reply(200, unsubscribePage(await unsubscribeByLink(db, request.params.messageId)), noStore);
  },
});
