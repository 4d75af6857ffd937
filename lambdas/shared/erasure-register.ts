import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { backupsKeptDaysVariable } from './platform-variables';
import { platformResourceName } from './resource-names';
import { erasureRegisterTable } from './tables';

/** One erasure carried out: whose records, in which school, when; ids only, never a name. */
export interface ErasureEntry {
  readonly schoolId: string;
  readonly requestId: string;
  readonly studentId: string;
  readonly guardianIds: readonly string[];
  readonly erasedAt: string;
}

/**
 * Where erasures are recorded outside the school's database, so that a restore of an older
 * backup can apply them again: DynamoDB (a global table, like the tenant directory).
 */
export interface ErasureRegister {
  /** Records an erasure before it is carried out; recording it again (a retry) overwrites the same item. */
  record(entry: ErasureEntry): Promise<void>;
  /** The school's erasures, oldest first. */
  of(schoolId: string): Promise<ErasureEntry[]>;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/** An entry is kept a week longer than the stage's backups (set by the batch stack); unset: kept. */
export class DynamoErasureRegister implements ErasureRegister {
  constructor(
    private readonly tableName: string = platformResourceName(erasureRegisterTable.logicalName),
    private readonly keptDays: number | undefined = Number(process.env[backupsKeptDaysVariable]) || undefined,
    private readonly client: DynamoDBDocumentClient = (sharedClient ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({}),
    )),
  ) {}

  async record(entry: ErasureEntry): Promise<void> {
    const expiresAt = this.keptDays
      ? Math.floor(Date.parse(entry.erasedAt) / 1000) + (this.keptDays + 7) * 86_400
      : undefined;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...entry,
          guardianIds: [...entry.guardianIds],
          sk: entry.requestId,
          ...(expiresAt ? { expiresAt } : {}),
        },
      }),
    );
  }

  async of(schoolId: string): Promise<ErasureEntry[]> {
    const entries: ErasureEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'schoolId = :schoolId',
          ExpressionAttributeValues: { ':schoolId': schoolId },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { sk: _sk, expiresAt: _expires, ...entry } = item;
        entries.push(entry as ErasureEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }
}
