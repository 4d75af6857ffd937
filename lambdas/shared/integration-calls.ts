import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import { directoryClient } from './school-records';
import { integrationCallsTable } from './tables';

/** One call an integration made, as the school admin's screen lists them. */
export interface IntegrationCall {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly requestId: string;
}

/** Calls are kept this long, then expire by themselves. */
const callDays = 30;

/**
 * What integrations' calls leave (their own table, so the routes they call can write nothing of
 * a client's record): per-minute counters against each client's rate, and the calls themselves.
 */
export class IntegrationCalls {
  constructor(
    private readonly client: DynamoDBDocumentClient = directoryClient(),
    private readonly tableName: string = platformResourceName(integrationCallsTable.logicalName),
  ) {}

  /**
   * Counts one request in the client's current minute; undefined when it is within the rate, or
   * the seconds until the next minute when the rate is used up (the caller answers 429).
   */
  async takeRequest(clientId: string, requestsPerMinute: number, now = Date.now()): Promise<number | undefined> {
    const minute = Math.floor(now / 60_000);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { clientId, sk: `WINDOW#${minute}` },
          UpdateExpression: 'ADD requests :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': requestsPerMinute, ':expires': (minute + 2) * 60 },
        }),
      );
      return undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      }
      throw error;
    }
  }

  async record(clientId: string, call: IntegrationCall): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          clientId,
          sk: `CALL#${call.at}#${call.requestId}`,
          ...call,
          expiresAt: Math.floor(Date.parse(call.at) / 1000) + callDays * 86_400,
        },
      }),
    );
  }

  /** The client's latest calls, newest first. */
  async recent(clientId: string, limit = 50): Promise<IntegrationCall[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'clientId = :clientId AND begins_with(sk, :calls)',
        ExpressionAttributeValues: { ':clientId': clientId, ':calls': 'CALL#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => {
      const { at, method, path, status, latencyMs, requestId } = item as IntegrationCall;
      return { at, method, path, status, latencyMs, requestId };
    });
  }
}
