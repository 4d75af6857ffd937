import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/** Another rotation of the client's secret is under way. */
export class RotationUnderWayError extends Error {
  override readonly name = 'RotationUnderWayError';
}

/** How long a rotation holds its client: longer than the rotating function can run. */
const rotationHoldSeconds = 60;

/**
 * The integrations' OAuth clients in the platform's table: written only through here (by the
 * integrations' routes), read by key by the token trigger and the authorizer. A status only moves
 * from active to revoked, conditionally; a rotation holds the client while it runs and then moves
 * `notBefore` forward.
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
        Item: { ...record, status: 'active', notBefore: 0 },
        ConditionExpression: 'attribute_not_exists(clientId)',
      }),
    );
  }

  async read(clientId: string): Promise<IntegrationClient | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { clientId }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { rotatingUntil: _rotating, ...client } = out.Item;
    return client as IntegrationClient;
  }

  /** Refuses, from now on, every token of the client (and Cognito issues none after its deletion). */
  async revoke(clientId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { clientId },
        UpdateExpression: 'SET #status = :revoked',
        ConditionExpression: 'attribute_exists(clientId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':revoked': 'revoked' },
      }),
    );
  }

  /** Holds an active client for one rotation of its secret: two at once would each delete the other's. */
  async holdForRotation(clientId: string, now = Date.now()): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { clientId },
          UpdateExpression: 'SET rotatingUntil = :until',
          ConditionExpression:
            'attribute_exists(clientId) AND #status = :active AND (attribute_not_exists(rotatingUntil) OR rotatingUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':until': Math.floor(now / 1000) + rotationHoldSeconds,
            ':now': Math.floor(now / 1000),
            ':active': 'active',
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new RotationUnderWayError(clientId);
      throw error;
    }
  }

  /**
   * Ends a rotation: with `refuseBefore`, the tokens issued before that second (with the secret
   * just deleted) are refused from now on; without, the rotation failed and nothing else changes.
   */
  async endRotation(clientId: string, refuseBefore?: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { clientId },
        UpdateExpression:
          refuseBefore === undefined ? 'REMOVE rotatingUntil' : 'SET notBefore = :at REMOVE rotatingUntil',
        ConditionExpression: 'attribute_exists(clientId)',
        ...(refuseBefore === undefined ? {} : { ExpressionAttributeValues: { ':at': refuseBefore } }),
      }),
    );
  }
}
