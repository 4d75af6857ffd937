import { Stack, Validations } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { platformTables, tenantDirectoryTable } from '../../lambdas/shared/tables';
import { localUserPoolId } from '../issuer/cognito-admin-server';
import { physicalName, shardGroupMasterSecretName } from '../../lib/naming';
import { TenantDataAccess } from '../../lib/constructs/tenant-data-access';
import type { PlatformData } from '../../lib/platform-data';
import { BatchStack } from '../../lib/stacks/batch.stack';
import { OnboardingStack } from '../../lib/stacks/onboarding.stack';
import type { StageConfig } from '../../lib/config';
import { localClusterArn } from '../local-stage';
import { localAccountId, localRegion } from '../sqs/sqs-server';
import type { WorkflowStacks } from '../step-functions/workflow-templates';

/**
 * The platform's own workflow stacks, as the local Step Functions runs them: the same
 * stacks as on AWS (batch and onboarding), given the local platform's resources in place
 * of the data and auth stacks (which hold nothing a state machine definition refers to).
 */
export const platformWorkflowStacks =
  (localStage: StageConfig): WorkflowStacks =>
  (app) => {
    const env = { account: localAccountId, region: localRegion };
    const platform = new Stack(app, 'campus-local-platform', { env });
    Validations.of(platform).acknowledge({
      id: 'CloudFormation-Validate::F0001',
      reason: 'Holds only references to the local platform’s own resources; it is never deployed.',
    });
    const shardGroups = localStage.shardGroups.map((group) => ({
      group,
      clusterArn: localClusterArn(group.id),
      clusterIdentifier: `campus-local-${group.id}`,
      masterSecret: Secret.fromSecretNameV2(
        platform,
        `Master-${group.id}`,
        shardGroupMasterSecretName(localStage, group),
      ),
    }));
    const tables = Object.fromEntries(
      platformTables.map((table) => [
        table.logicalName,
        TableV2.fromTableName(platform, `Table-${table.logicalName}`, physicalName(localStage, table.logicalName)),
      ]),
    );
    const schoolSecretsKey = Key.fromKeyArn(
      platform,
      'SchoolSecretsKey',
      `arn:aws:kms:${localRegion}:${localAccountId}:key/local`,
    );
    const buckets = new Map<string, IBucket>();
    const bucket = (purpose: string) => {
      if (!buckets.has(purpose)) {
        buckets.set(purpose, Bucket.fromBucketName(platform, `Bucket-${purpose}`, physicalName(localStage, purpose)));
      }
      return buckets.get(purpose)!;
    };
    const objectPolicies = (purpose: string) => {
      const objects = (action: string) =>
        new PolicyStatement({ actions: [action], resources: [bucket(purpose).arnForObjects('schools/*')] });
      return {
        write: new ManagedPolicy(platform, `${purpose}Write`, { statements: [objects('s3:PutObject')] }),
        read: new ManagedPolicy(platform, `${purpose}Read`, { statements: [objects('s3:GetObject')] }),
      };
    };
    const data: PlatformData = {
      shardGroups,
      tables,
      tenantDataAccess: new TenantDataAccess(platform, 'TenantDataAccess', {
        schoolSecretPrefix: `campus-local/schools/`,
        clusterArns: shardGroups.map((group) => group.clusterArn),
        secretsKey: schoolSecretsKey,
        trustedRoleNamePrefixes: ['campus-local-'],
      }),
      schoolSecretsKey,
      exportsBucket: bucket('exports'),
      reportsBucket: bucket('reports'),
      importsBucket: bucket('imports'),
      exportsPolicies: objectPolicies('exports'),
      reportsPolicies: objectPolicies('reports'),
    };
    new BatchStack(app, 'campus-local-batch', {
      config: localStage,
      env,
      data,
      tenantDirectory: tables[tenantDirectoryTable.logicalName]!,
    });
    new OnboardingStack(app, 'campus-local-onboarding', {
      config: localStage,
      env,
      shardGroups,
      tenantDirectory: tables[tenantDirectoryTable.logicalName]!,
      schoolSecretsKey,
      userPool: UserPool.fromUserPoolId(platform, 'UserPool', localUserPoolId),
      exportsBucket: data.exportsBucket,
      exportsPolicies: data.exportsPolicies,
    });
  };
