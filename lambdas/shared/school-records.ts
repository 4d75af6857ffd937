import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import { tenantDirectoryTable } from './tables';

/**
 * School records of the tenant directory as every request reads them: what a school
 * record holds, what its status allows, and the one read by key. The API's functions
 * need only this; \`TenantDirectory\` (the only writer) builds on it.
 */

export const schoolStatuses = [
  'PROVISIONING',
  'ACTIVE',
  'MOVING',
  'SUSPENDED',
  'OFFBOARDING',
  'DELETED',
  'FAILED',
] as const;
export type SchoolStatus = (typeof schoolStatuses)[number];

/**
 * What may be done with a school's data in each status: an ACTIVE school is read and
 * written; a MOVING (between shard groups), SUSPENDED or OFFBOARDING one is only read
 * (and exported); any other has no data to use.
 */
export function schoolDataAccess(status: SchoolStatus): 'read-write' | 'read-only' | 'none' {
  if (status === 'ACTIVE') return 'read-write';
  return status === 'MOVING' || status === 'SUSPENDED' || status === 'OFFBOARDING' ? 'read-only' : 'none';
}

/** A school in the tenant directory: where its database lives and what state it is in. */
export interface SchoolRecord {
  readonly schoolId: string;
  readonly slug: string;
  readonly name: string;
  readonly shardGroupId: string;
  /** Database and PostgreSQL role name in the shard group. */
  readonly database: string;
  /** The school role's secret, the `secretArn` of its Data API calls. */
  readonly secretArn?: string;
  readonly status: SchoolStatus;
  readonly schemaVersion: number;
  readonly plan: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly failureReason?: string;
  /** While offboarding waits for an operator: the task token that approves it, and the archive made. */
  readonly pendingApproval?: {
    readonly taskToken: string;
    readonly archivePrefix: string;
    readonly requestedAt: string;
  } | null;
  /** Where the school's archive is, once it is offboarded. */
  readonly archivePrefix?: string;
  /** Until when the record and archive of a DELETED school are kept. */
  readonly retainUntil?: string;
}

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
