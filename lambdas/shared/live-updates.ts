import { randomBytes } from 'node:crypto';
import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { liveCallbackUrlVariable, livePath } from './platform-variables';

export { livePath };
import { platformResourceName } from './resource-names';
import { directoryClient } from './school-records';
import { liveConnectionsTable } from './tables';

/**
 * The real-time part of the in-app channel. The web app asks the API for a ticket (signed in as
 * usual), opens the live connection with it (`/live?ticket=…`, a WebSocket: API Gateway on AWS, the
 * local platform's own server with the same protocol here) and hears `{"type":"inbox"}` whenever a
 * message reaches the signed-in person's inbox; it then reads the inbox as it does on load. Pushes
 * carry no message text: what a person may read is still decided by the API alone.
 */

/** What the live connection tells the app. */
export type LiveEvent = { readonly type: 'inbox' };

/** A ticket opens one connection within this time. */
export const liveTicketSeconds = 60;
/** API Gateway closes a WebSocket after two hours; the record goes then at the latest. */
const connectionSeconds = 2 * 60 * 60;

const tableName = () => platformResourceName(liveConnectionsTable.logicalName);
const ticketKey = (ticket: string) => ({ id: `TICKET#${ticket}` });
const connectionKey = (connectionId: string) => ({ id: `CONNECTION#${connectionId}` });
const epochSeconds = () => Math.floor(Date.now() / 1000);

export interface LivePerson {
  readonly schoolId: string;
  readonly userId: string;
}

/** A one-use ticket for a signed-in person of a school to open a live connection with. */
export async function issueLiveTicket(person: LivePerson): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = randomBytes(24).toString('base64url');
  const expiresAt = epochSeconds() + liveTicketSeconds;
  await directoryClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...ticketKey(ticket), ticketSchoolId: person.schoolId, ticketUserId: person.userId, expiresAt },
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
  return { ticket, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** Uses a ticket up: whose it was, or undefined if it is unknown, used or expired. */
export async function redeemLiveTicket(ticket: string): Promise<LivePerson | undefined> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(ticket)) return undefined;
  try {
    const out = await directoryClient().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: ticketKey(ticket),
        // DynamoDB's TTL deletes late; an expired ticket must not open anything meanwhile.
        ConditionExpression: 'attribute_exists(id) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': epochSeconds() },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const item = out.Attributes;
    if (!item) return undefined;
    return { schoolId: String(item.ticketSchoolId), userId: String(item.ticketUserId) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

export async function recordLiveConnection(connectionId: string, person: LivePerson): Promise<void> {
  await directoryClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...connectionKey(connectionId),
        connectionId,
        schoolId: person.schoolId,
        userId: person.userId,
        expiresAt: epochSeconds() + connectionSeconds,
      },
    }),
  );
}

export async function forgetLiveConnection(connectionId: string): Promise<void> {
  await directoryClient().send(new DeleteCommand({ TableName: tableName(), Key: connectionKey(connectionId) }));
}

export interface LiveConnection extends LivePerson {
  readonly connectionId: string;
}

/** The school's open connections (every page of the school index). */
export async function openLiveConnections(schoolId: string): Promise<LiveConnection[]> {
  const found: LiveConnection[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await directoryClient().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'bySchool',
        KeyConditionExpression: 'schoolId = :school',
        ExpressionAttributeValues: { ':school': schoolId },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (Number(item.expiresAt) > epochSeconds()) {
        found.push({ connectionId: String(item.connectionId), schoolId, userId: String(item.userId) });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

let management: ApiGatewayManagementApiClient | undefined;

/**
 * The connection management client. Its endpoint is the live API's stage URL, unless the
 * SDK's per-service endpoint variable names one: the rule every other client follows by
 * itself, which this one cannot, since it has no default endpoint.
 */
function managementClient(): ApiGatewayManagementApiClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI ?? process.env[liveCallbackUrlVariable];
  if (!endpoint) throw new Error(`${liveCallbackUrlVariable} is not set: this function has no live API.`);
  return (management ??= new ApiGatewayManagementApiClient({ endpoint }));
}

/**
 * Tells each of these connections; a connection that has gone is forgotten. Best effort by
 * design: the inbox is read again on load, so a lost push delays a message on screen, never
 * loses it. Answers how many connections heard it.
 */
export async function pushToConnections(connections: readonly LiveConnection[], event: LiveEvent): Promise<number> {
  const data = new TextEncoder().encode(JSON.stringify(event));
  const results = await Promise.allSettled(
    connections.map(async ({ connectionId }) => {
      try {
        await managementClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        return true;
      } catch (error) {
        if (error instanceof GoneException) {
          await forgetLiveConnection(connectionId);
          return false;
        }
        throw error;
      }
    }),
  );
  return results.filter((r) => r.status === 'fulfilled' && r.value).length;
}
