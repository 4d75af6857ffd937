import { type AuditIdentity, DataApiSession } from './data-api';
import { readShardGroupClusters } from './runtime';
import { TenantDataClients } from './tenant-credentials';
import type { SchoolRecord } from './tenant-directory';

let tenantClients: TenantDataClients | undefined;

/**
 * A Data API session on a school's own database, under the school's own PostgreSQL role
 * (and, on AWS, credentials scoped to the school by its session tag), whose audited writes
 * name `identity`. The caller has already decided, from the directory record, that the
 * school may be used.
 */
export async function schoolSessionFor(
  school: SchoolRecord,
  identity?: AuditIdentity,
  options: { readOnly?: boolean } = {},
): Promise<DataApiSession> {
  const resourceArn = readShardGroupClusters()[school.shardGroupId];
  if (!resourceArn) throw new Error(`No cluster for shard group ${school.shardGroupId}.`);
  if (!school.secretArn) throw new Error(`School ${school.schoolId} has no database secret.`);
  return new DataApiSession(
    { resourceArn, secretArn: school.secretArn, database: school.database },
    await (tenantClients ??= new TenantDataClients()).forSchool(school.schoolId),
    identity,
    options.readOnly ?? false,
  );
}
