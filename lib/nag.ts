import { type CfnElement, DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Helpers for cdk-nag acknowledgements. cdk-nag 3 acknowledges each IAM5 finding by its
 * exact resource text, in which references appear as `<LogicalId.Arn>` and pseudo
 * parameters as `<AWS::AccountId>`; these build that text instead of copying it.
 */

/** `<LogicalId.Arn>` as cdk-nag prints a reference to a resource's ARN. */
export function nagArnOf(resource: CfnElement): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.Arn>`;
}

/** How cdk-nag prints the `AWS::AccountId` pseudo parameter. */
export const nagAccountParameter = '<AWS::AccountId>';

/** How cdk-nag prints a stack's account in ARNs it builds: the configured one, or the pseudo parameter. */
export function nagAccountOf(stack: Stack): string {
  return Token.isUnresolved(stack.account) ? nagAccountParameter : stack.account;
}

/** Acknowledges one IAM5 wildcard finding per listed action or resource, all for the same reason. */
export function acknowledgeWildcards(
  scope: IConstruct,
  findings: { actions?: readonly string[]; resources?: readonly string[] },
  reason: string,
): void {
  for (const action of findings.actions ?? []) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
  }
  for (const resource of findings.resources ?? []) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}

/**
 * CDK's BucketDeployment runs a CDK-owned singleton function (Python) that copies the
 * asset into the bucket. Its runtime and policies are CDK's, not ours to tailor.
 */
export function acknowledgeBucketDeployment(stack: Stack, destination: CfnElement): void {
  const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) throw new Error('BucketDeployment provider not found; acknowledge after creating the deployment.');
  const reason = (why: string) => `CDK-owned BucketDeployment function: ${why}`;
  Validations.of(provider).acknowledge(
    { id: 'AwsSolutions-L1', reason: reason('CDK chooses and upgrades its runtime with aws-cdk-lib.') },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: reason('CDK attaches the basic execution policy so it can write its own logs.'),
    },
  );
  const qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  acknowledgeWildcards(
    provider,
    {
      actions: ['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'],
      resources: [
        '*',
        `${nagArnOf(destination)}/*`,
        `arn:aws:s3:::cdk-${qualifier}-assets-${nagAccountOf(stack)}-${stack.region}/*`,
      ],
    },
    reason(
      'it copies every object of the build asset into the site bucket and prunes stale ones, so it needs object-level wildcards on those two buckets only.',
    ),
  );
}
