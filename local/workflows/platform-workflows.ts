import { Stack, Validations } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { tenantDirectoryTable } from '../../lambdas/shared/tables';
import { localUserPoolId } from '../../lambdas/shared/user-directory';
import { physicalName, shardGroupMasterSecretName } from '../../lib/naming';
import { OnboardingStack } from '../../lib/stacks/onboarding.stack';
import { localClusterArn, localStage } from '../local-stage';
import { localAccountId, localRegion } from '../sqs/sqs-server';
import type { WorkflowStacks } from '../step-functions/workflow-templates';

/**
 * The platform's own workflow stacks, as the local Step Functions runs them: the same
 * stacks as on AWS, given the local platform's resources in place of the data and auth
 * stacks (which hold nothing a state machine definition refers to).
 */
export const platformWorkflowStacks: WorkflowStacks = (app) => {
  const env = { account: localAccountId, region: localRegion };
  const platform = new Stack(app, 'campus-local-platform', { env });
  const exportsBucket = Bucket.fromBucketName(platform, 'Exports', physicalName(localStage, 'exports'));
  const exportsObjects = (action: string) =>
    new PolicyStatement({ actions: [action], resources: [exportsBucket.arnForObjects('schools/*')] });
  Validations.of(platform).acknowledge({
    id: 'CloudFormation-Validate::F0001',
    reason: 'Holds only references to the local platform’s own resources; it is never deployed.',
  });
  new OnboardingStack(app, 'campus-local-onboarding', {
    config: localStage,
    env,
    shardGroups: localStage.shardGroups.map((group) => ({
      group,
      clusterArn: localClusterArn(group.id),
      clusterIdentifier: `campus-local-${group.id}`,
      masterSecret: Secret.fromSecretNameV2(
        platform,
        `Master-${group.id}`,
        shardGroupMasterSecretName(localStage, group),
      ),
    })),
    tenantDirectory: TableV2.fromTableName(
      platform,
      'TenantDirectory',
      physicalName(localStage, tenantDirectoryTable.logicalName),
    ),
    schoolSecretsKey: Key.fromKeyArn(
      platform,
      'SchoolSecretsKey',
      `arn:aws:kms:${localRegion}:${localAccountId}:key/local`,
    ),
    userPool: UserPool.fromUserPoolId(platform, 'UserPool', localUserPoolId),
    exportsBucket,
    exportsPolicies: {
      write: new ManagedPolicy(platform, 'ExportsWrite', { statements: [exportsObjects('s3:PutObject')] }),
      read: new ManagedPolicy(platform, 'ExportsRead', { statements: [exportsObjects('s3:GetObject')] }),
    },
  });
};
