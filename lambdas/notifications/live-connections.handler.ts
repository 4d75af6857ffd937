import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { forgetLiveConnection, recordLiveConnection, redeemLiveTicket } from '../shared/live-updates';

/** `$connect` has the query string too; the v2 WebSocket event type leaves it out. */
type LiveEvent = APIGatewayProxyWebsocketEventV2 & {
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
};

const answer = (statusCode: number, body = ''): APIGatewayProxyResultV2 => ({ statusCode, body });

/**
 * The live API's routes (API Gateway WebSocket on AWS, the local platform's server here):
 * `$connect` opens a connection only with a ticket the API issued to a signed-in person (one use,
 * a minute), and records whose it is; `$disconnect` forgets it; `$default` answers a ping (the
 * app sends one now and then, so the idle timeout does not close a quiet connection).
 */
export const handler = lambdaHandler(async (event: LiveEvent): Promise<APIGatewayProxyResultV2> => {
  const { routeKey, connectionId } = event.requestContext;
  switch (routeKey) {
    case '$connect': {
      const person = await redeemLiveTicket(event.queryStringParameters?.ticket ?? '');
      if (!person) return answer(401, 'The ticket is unknown, used or expired.');
      await recordLiveConnection(connectionId, person);
      return answer(200);
    }
    case '$disconnect':
      await forgetLiveConnection(connectionId);
      return answer(200);
    default:
      return answer(200, JSON.stringify({ type: 'pong' }));
  }
});
