/**
 * What a school record of the tenant directory holds, and what its lifecycle status allows.
 * Pure definitions: the API's declarations and the web app's types read them.
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
