import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import { tenantDirectoryTable } from './tables';

/** A shard group as placement sees it: its id and how many schools it may hold. */
export interface ShardGroupCapacity {
  readonly id: string;
  readonly maxSchools: number;
}

/** A shard group's record in the tenant directory. */
export interface ShardGroupRecord {
  readonly groupId: string;
  readonly schoolCount: number;
  readonly maxSchools: number;
  /** The schools holding a slot; the count is always this set's size. */
  readonly schools: readonly string[];
}

export class NoCapacityError extends Error {
  override readonly name = 'NoCapacityError';
}

const groupKey = (groupId: string) => ({ pk: `SHARDGROUP#${groupId}`, sk: 'SHARDGROUP' });

let sharedClient: DynamoDBDocumentClient | undefined;

/**
 * Slots in shard groups: the only writer of shard group records. A slot is reserved and
 * released with one conditional update that changes the count and the set of schools
 * together, so the count always matches the schools placed, no group goes over its
 * capacity however many onboardings run at once, and a retry never takes a second slot.
 */
export class ShardGroupSlots {
  constructor(
    private readonly tableName: string = platformResourceName(tenantDirectoryTable.logicalName),
    private readonly client: DynamoDBDocumentClient = (sharedClient ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({}),
    )),
  ) {}

  async group(groupId: string): Promise<ShardGroupRecord> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: groupKey(groupId), ConsistentRead: true }),
    );
    const schools = [...((out.Item?.schools as Set<string> | undefined) ?? [])].sort();
    return {
      groupId,
      schoolCount: Number(out.Item?.schoolCount ?? 0),
      maxSchools: Number(out.Item?.maxSchools ?? 0),
      schools,
    };
  }

  /**
   * Reserves a slot for the school in the least-full group with room (or only in
   * `preferred`), and returns that group's id. A school that already holds a slot keeps
   * it. Throws NoCapacityError when every candidate group is full.
   */
  async reserve(schoolId: string, groups: readonly ShardGroupCapacity[], preferred?: string): Promise<string> {
    const candidates = preferred ? groups.filter((group) => group.id === preferred) : groups;
    if (preferred && candidates.length === 0) throw new NoCapacityError(`There is no shard group ${preferred}.`);
    const records = await Promise.all(candidates.map((group) => this.group(group.id)));
    const held = records.find((record) => record.schools.includes(schoolId));
    if (held) return held.groupId;
    // Least full first; a group that fills up under us is skipped for the next.
    const order = candidates
      .map((group, i) => ({ group, count: records[i]!.schoolCount }))
      .filter(({ group, count }) => count < group.maxSchools)
      .sort((a, b) => a.count - b.count || a.group.id.localeCompare(b.group.id));
    for (const { group } of order) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: groupKey(group.id),
            UpdateExpression:
              'SET schoolCount = if_not_exists(schoolCount, :zero) + :one, maxSchools = :max ADD schools :school',
            ConditionExpression:
              '(attribute_not_exists(schoolCount) OR schoolCount < :max) AND NOT contains(schools, :id)',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':max': group.maxSchools,
              ':school': new Set([schoolId]),
              ':id': schoolId,
            },
          }),
        );
        return group.id;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Full now, or this school's own earlier attempt landed: the record says which.
        if ((await this.group(group.id)).schools.includes(schoolId)) return group.id;
      }
    }
    const names = candidates.map((group) => group.id).join(', ');
    throw new NoCapacityError(`No capacity: every shard group (${names}) is full.`);
  }

  /**
   * Gives the school's slot back, in whichever of the groups holds it (a reservation whose
   * answer was lost still holds one); releasing one already released changes nothing.
   */
  async release(schoolId: string, groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: groupKey(groupId),
            UpdateExpression: 'SET schoolCount = schoolCount - :one DELETE schools :school',
            ConditionExpression: 'contains(schools, :id)',
            ExpressionAttributeValues: { ':one': 1, ':school': new Set([schoolId]), ':id': schoolId },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
}
