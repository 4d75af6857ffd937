import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { AccountRootPrincipal, type IGrantable, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeWildcards, nagAccountOf } from '../nag';

import { schoolIdTag } from '../../lambdas/shared/platform-variables';

export { schoolIdTag };

export interface TenantDataAccessProps {
  /** Prefix of every school secret's name, e.g. `campus-dev/schools/`. */
  readonly schoolSecretPrefix: string;
  /** Clusters whose Data API the role may call. */
  readonly clusterArns: readonly string[];
  /** Key of the school secrets. */
  readonly secretsKey: IKey;
  /**
   * Name prefixes of the roles allowed to assume this one, e.g. `campus-dev-api-routes-`
   * (CloudFormation names a stack's roles after the stack).
   */
  readonly trustedRoleNamePrefixes: readonly string[];
}

/**
 * Tenant-scoped database access (attribute-based). A handler assumes this role with the
 * session tag `campus:school-id` set to the school from the caller's verified token; the
 * role can then read only secrets tagged with that same school id, so even a handler bug
 * cannot fetch another school's credentials.
 */
export class TenantDataAccess extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: TenantDataAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      description: 'Per-school Data API access; assumed with a campus:school-id session tag',
      // Only the named roles may assume it, and only with a school id tag; they also need grantAssume().
      assumedBy: new AccountRootPrincipal()
        .withConditions({
          ArnLike: {
            'aws:PrincipalArn': props.trustedRoleNamePrefixes.map((prefix) =>
              stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${prefix}*` }),
            ),
          },
          Null: { [`aws:RequestTag/${schoolIdTag}`]: 'false' },
        })
        .withSessionTags(),
      maxSessionDuration: Duration.hours(1),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DataApiOnShardGroups',
        actions: [
          'rds-data:ExecuteStatement',
          'rds-data:BatchExecuteStatement',
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:RollbackTransaction',
        ],
        resources: [...props.clusterArns],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'OnlyTheTaggedSchoolsSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [
          stack.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${props.schoolSecretPrefix}*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        conditions: {
          StringEquals: { [`secretsmanager:ResourceTag/${schoolIdTag}`]: `\${aws:PrincipalTag/${schoolIdTag}}` },
        },
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        sid: 'DecryptSchoolSecretsThroughSecretsManager',
        actions: ['kms:Decrypt'],
        resources: [props.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      }),
    );
    acknowledgeWildcards(
      this.role,
      {
        resources: [
          `arn:aws:secretsmanager:${stack.region}:${nagAccountOf(stack)}:secret:${props.schoolSecretPrefix}*`,
        ],
      },
      'School secrets are created by onboarding, so they are named by prefix; the ResourceTag = PrincipalTag condition limits each session to its own school.',
    );
  }

  /** Lets a function assume the role, and only with a school id session tag. */
  grantAssume(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.role.roleArn],
        conditions: { Null: { [`aws:RequestTag/${schoolIdTag}`]: 'false' } },
      }),
    );
  }
}
