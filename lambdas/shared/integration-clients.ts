import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IntegrationScopeName } from './integration-scopes';
import { platformResourceName } from './resource-names';
import { directoryClient } from './school-records';
import { integrationClientsTable } from './tables';

/** What the token trigger and the authorizer need to know of an integration's OAuth client. */
export interface IntegrationClient {
  readonly clientId: string;
  readonly schoolId: string;
  readonly integrationId: string;
  readonly scopes: readonly IntegrationScopeName[];
  readonly status: 'active' | 'revoked';
  /** Epoch seconds: a token issued before this (an old secret's, before a rotation) is refused. */
  readonly notBefore: number;
  readonly requestsPerMinute: number;
}

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

const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

/**
 * The integrations' OAuth clients in the platform's table: written only through here (by the
 * integrations' API), read by key by the token trigger and the authorizer. A status only moves
 * from active to revoked, conditionally; a rotation moves `notBefore` forward.
 */
export class IntegrationClients {
  constructor(
    private readonly client: DynamoDBDocumentClient = directoryClient(),
    private readonly tableName: string = platformResourceName(integrationClientsTable.logicalName),
  ) {}

  async register(record: Omit<IntegrationClient, 'status' | 'notBefore'>): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...clientKey(record.clientId), ...record, status: 'active', notBefore: 0 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async read(clientId: string): Promise<IntegrationClient | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: clientKey(clientId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ...client } = out.Item;
    return client as IntegrationClient;
  }

  /** Refuses, from now on, every token of the client (and Cognito issues none after its deletion). */
  async revoke(clientId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: clientKey(clientId),
        UpdateExpression: 'SET #status = :revoked',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':revoked': 'revoked' },
      }),
    );
  }

  /** Refuses the tokens issued so far (with the secret just replaced); tokens from the new one pass. */
  async refuseTokensBefore(clientId: string, epochSeconds: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: clientKey(clientId),
        UpdateExpression: 'SET notBefore = :at',
        ConditionExpression: 'attribute_exists(pk) AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': epochSeconds, ':active': 'active' },
      }),
    );
  }

  /**
   * Counts one request in the client's current minute; undefined when it is within the rate, or
   * the seconds until the next minute when the rate is used up (the caller answers 429).
   */
  async takeRequest(
    client: Pick<IntegrationClient, 'clientId' | 'requestsPerMinute'>,
    now = Date.now(),
  ): Promise<number | undefined> {
    const minute = Math.floor(now / 60_000);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `CLIENT#${client.clientId}`, sk: `WINDOW#${minute}` },
          UpdateExpression: 'ADD requests :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': client.requestsPerMinute, ':expires': (minute + 2) * 60 },
        }),
      );
      return undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      throw error;
    }
  }

  async recordCall(clientId: string, call: IntegrationCall): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `CLIENT#${clientId}`,
          sk: `CALL#${call.at}#${call.requestId}`,
          ...call,
          expiresAt: Math.floor(Date.parse(call.at) / 1000) + callDays * 86_400,
        },
      }),
    );
  }

  /** The client's latest calls, newest first. */
  async recentCalls(clientId: string, limit = 50): Promise<IntegrationCall[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :calls)',
        ExpressionAttributeValues: { ':pk': `CLIENT#${clientId}`, ':calls': 'CALL#' },
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
