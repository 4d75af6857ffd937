import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { KeyDefinition, TableDefinition } from '../../lambdas/shared/tables';

export interface LocalDynamoDbOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Directory the tables persist in; none keeps them in memory. */
  readonly path?: string;
  /** Physical name of each table definition. */
  readonly tables: readonly { readonly name: string; readonly definition: TableDefinition }[];
}

export interface LocalDynamoDb {
  readonly url: string;
  close(): Promise<void>;
}

const keySchema = (partition: KeyDefinition, sort?: KeyDefinition): KeySchemaElement[] => [
  { AttributeName: partition.name, KeyType: 'HASH' },
  ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
];

/** The CreateTable request that matches what the CDK data stack makes from a definition. */
export function createTableInput(name: string, definition: TableDefinition) {
  const keys = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ].filter((k): k is KeyDefinition => k !== undefined);
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of keys) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  return {
    TableName: name,
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    AttributeDefinitions: [...attributes.values()],
    BillingMode: 'PAY_PER_REQUEST' as const,
    ...(definition.globalIndexes.length
      ? {
          GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
  };
}

/**
 * DynamoDB on this machine (dynalite), with the platform's tables created from the same
 * definitions as the CDK data stack. dynalite has no TTL, transactions, PartiQL or
 * streams: records that would expire stay until deleted.
 */
export async function startDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));

  const client = new DynamoDBClient({
    endpoint: url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
    for (const { name, definition } of options.tables) {
      if (!existing.has(name)) await client.send(new CreateTableCommand(createTableInput(name, definition)));
    }
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { url, close };
}
