import { notFound } from '../../shared/http';
import { readSchoolRecord } from '../../shared/school-records';
import { schoolSessionFor } from '../../shared/school-session';
import { apiHandler, type ApiRequest, reply } from '../api-handler';
import { describeUnsubscribeLink, unsubscribeByLink, unsubscribePage } from './unsubscribe';
import { unsubscribeRoutes } from './unsubscribe.routes';

/** Who the audit log names for a change made through an unsubscribe link. */
const linkActor = 'unsubscribe-link';

/** The link's school, if it is ACTIVE, under its own role, naming the link as the writer. */
async function schoolOfLink(schoolId: string, request: ApiRequest) {
  const school = await readSchoolRecord(schoolId);
  if (school?.status !== 'ACTIVE') throw notFound('The e-mail of this link');
  return schoolSessionFor(school, { actor: linkActor, requestId: request.event.requestContext.requestId });
}

/** Never cached: the page says what stands now. */
const noStore = { 'cache-control': 'no-store' };

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
