import { Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { tenantRoleVariable } from '../../lambdas/shared/platform-variables';
import { shardGroupClustersVariable } from '../../lambdas/shared/platform-variables';
import type { ShardGroupRef } from '../platform-data';
import type { TenantDataAccess } from './tenant-data-access';

export interface SchoolDataAccess {
  readonly tenantDataAccess: TenantDataAccess;
  readonly tenantDirectory: ITableV2;
  readonly shardGroups: readonly ShardGroupRef[];
}

/**
 * What a function needs to open a school's database session: read one school record by
 * key (no query, scan or write), assume the tenant role with the school's tag, and know
 * each shard group's cluster. The API handlers and the batch workers get exactly this.
 */
export function grantSchoolData(
  fn: IFunction & { addEnvironment(key: string, value: string): unknown },
  access: SchoolDataAccess,
): void {
  access.tenantDataAccess.grantAssume(fn);
  fn.addEnvironment(tenantRoleVariable, access.tenantDataAccess.role.roleArn);
  fn.addEnvironment(
    shardGroupClustersVariable,
    Stack.of(fn).toJsonString(
      Object.fromEntries(access.shardGroups.map((group) => [group.group.id, group.clusterArn])),
    ),
  );
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [access.tenantDirectory.tableArn] }),
  );
  access.tenantDirectory.encryptionKey?.grantDecrypt(fn);
}
