import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import { tenantDirectoryTable } from './tables';
import type { SchoolRecord } from './school-lifecycle';

export { type SchoolRecord, type SchoolStatus, schoolDataAccess, schoolStatuses } from './school-lifecycle';

/**
 * School records of the tenant directory as every request reads them: the one read by key
 * (what a record holds and what its status allows are in school-lifecycle.ts). The API's
 * functions need only this; `TenantDirectory` (the only writer) builds on it.
 */

export const schoolKey = (schoolId: string) => ({ pk: `SCHOOL#${schoolId}`, sk: 'SCHOOL' });

export function toRecord(item: Record<string, unknown>): SchoolRecord {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as SchoolRecord;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/** The directory's document client, one per execution environment. */
export function directoryClient(): DynamoDBDocumentClient {
  return (sharedClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }));
}

/** One school's record by key, read consistently. */
export async function readSchoolRecord(
  schoolId: string,
  client: DynamoDBDocumentClient = directoryClient(),
  tableName: string = platformResourceName(tenantDirectoryTable.logicalName),
): Promise<SchoolRecord | undefined> {
  const out = await client.send(
    new GetCommand({ TableName: tableName, Key: schoolKey(schoolId), ConsistentRead: true }),
  );
  return out.Item ? toRecord(out.Item) : undefined;
}
