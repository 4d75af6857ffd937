import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import {
  directoryClient,
  readSchoolRecord,
  type SchoolRecord,
  type SchoolStatus,
  schoolKey,
  toRecord,
} from './school-records';
import { tenantDirectoryTable } from './tables';
import { pageKeys } from './page-keys';

export { schoolDataAccess, schoolStatuses } from './school-records';
export type { SchoolRecord, SchoolStatus } from './school-records';

export class SlugTakenError extends Error {
  override readonly name = 'SlugTakenError';
}
export class SchoolStatusConflictError extends Error {
  override readonly name = 'SchoolStatusConflictError';
}

const slugKey = (slug: string) => ({ pk: `SLUG#${slug}`, sk: 'SLUG' });

/**
 * The tenant directory (DynamoDB): the only writer of school records. Every change is a
 * conditional write, so retries are safe and two writers cannot both win: a slug is
 * claimed once, a status moves only from the states a caller expects.
 */
export class TenantDirectory {
  constructor(
    private readonly tableName: string = platformResourceName(tenantDirectoryTable.logicalName),
    private readonly client: DynamoDBDocumentClient = directoryClient(),
  ) {}

  async getSchool(schoolId: string): Promise<SchoolRecord | undefined> {
    return readSchoolRecord(schoolId, this.client, this.tableName);
  }

  /** The school holding a slug, if any (a failed onboarding gives its slug back). */
  async schoolBySlug(slug: string): Promise<SchoolRecord | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: slugKey(slug), ConsistentRead: true }),
    );
    return out.Item ? this.getSchool(String(out.Item.schoolId)) : undefined;
  }

  /**
   * Claims the slug and writes the school as PROVISIONING. Repeating the call for the same
   * school returns its record as it stands; a slug held by another school is refused with
   * SlugTakenError.
   */
  async registerSchool(
    school: Pick<SchoolRecord, 'schoolId' | 'slug' | 'name' | 'shardGroupId' | 'database' | 'plan'>,
  ): Promise<SchoolRecord> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...slugKey(school.slug), schoolId: school.schoolId },
          ConditionExpression: 'attribute_not_exists(pk) OR schoolId = :schoolId',
          ExpressionAttributeValues: { ':schoolId': school.schoolId },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new SlugTakenError(`The slug ${school.slug} belongs to another school.`);
      }
      throw error;
    }
    const now = new Date().toISOString();
    const record: SchoolRecord = {
      ...school,
      status: 'PROVISIONING',
      schemaVersion: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...schoolKey(school.schoolId), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return record;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Registered already: a retry gets the record as it is now; another slug under this id is a conflict.
      const existing = await this.getSchool(school.schoolId);
      if (!existing || existing.slug !== school.slug) {
        throw new SchoolStatusConflictError(`School ${school.schoolId} is registered with another slug.`);
      }
      return existing;
    }
  }

  /**
   * Moves a school to `to` if its status is one of `from` (or already `to`, so a retry
   * succeeds), setting the given fields with it.
   */
  async setStatus(
    schoolId: string,
    from: readonly SchoolStatus[],
    to: SchoolStatus,
    fields: Partial<
      Pick<
        SchoolRecord,
        'schemaVersion' | 'secretArn' | 'failureReason' | 'pendingApproval' | 'archivePrefix' | 'retainUntil'
      >
    > = {},
  ): Promise<SchoolRecord> {
    const names: Record<string, string> = { '#status': 'status', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':to': to, ':now': new Date().toISOString() };
    const sets = ['#status = :to', '#updatedAt = :now'];
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    const allowed = [...new Set([...from, to])];
    allowed.forEach((status, i) => (values[`:from${i}`] = status));
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: schoolKey(schoolId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(out.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const existing = await this.getSchool(schoolId);
        throw new SchoolStatusConflictError(
          `School ${schoolId} is ${existing?.status ?? 'not registered'}, not ${from.join(' or ')}.`,
        );
      }
      throw error;
    }
  }

  /**
   * Records the schema version a school's database has reached (fleet migration); a
   * version never goes back, so a late or repeated write changes nothing.
   */
  async recordSchemaVersion(schoolId: string, version: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: schoolKey(schoolId),
          UpdateExpression: 'SET schemaVersion = :version, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND schemaVersion < :version',
          ExpressionAttributeValues: { ':version': version, ':now': new Date().toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!(await this.getSchool(schoolId)))
        throw new SchoolStatusConflictError(`School ${schoolId} is not registered.`);
    }
  }

  /**
   * Switches a MOVING school to its new shard group and makes it ACTIVE there, in one
   * conditional write (a retry after it landed changes nothing).
   */
  async switchShardGroup(schoolId: string, from: string, to: string): Promise<SchoolRecord> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: schoolKey(schoolId),
          UpdateExpression: 'SET shardGroupId = :to, #status = :active, updatedAt = :now',
          ConditionExpression:
            '(shardGroupId = :from AND #status = :moving) OR (shardGroupId = :to AND #status = :active)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':from': from,
            ':to': to,
            ':moving': 'MOVING',
            ':active': 'ACTIVE',
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(out.Attributes!);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new SchoolStatusConflictError(`School ${schoolId} is not MOVING from ${from}.`);
    }
  }

  /** Schools in one status, by slug, a page at a time (the byStatus index). */
  async listSchools(
    status: SchoolStatus,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ items: SchoolRecord[]; nextAfter: string | null }> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: pageKeys.decode(page.after) } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map(toRecord),
      nextAfter: pageKeys.encode(out.LastEvaluatedKey),
    };
  }

  /** Gives a slug back (compensation of a failed provisioning), only if this school holds it. */
  async releaseSlug(slug: string, schoolId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: slugKey(slug),
          ConditionExpression: 'attribute_not_exists(pk) OR schoolId = :schoolId',
          ExpressionAttributeValues: { ':schoolId': schoolId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
