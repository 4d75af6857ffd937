import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { bucketVariable } from '../../lambdas/shared/buckets';
import {
  archiveRetentionDaysVariable,
  servedCountriesVariable,
  schoolSecretsVariable,
  userPoolVariable,
} from '../../lambdas/shared/platform-variables';
import { shardGroupsVariable } from '../../lambdas/shared/platform-variables';
import { servedCountries, type StageConfig, stagePrefix } from '../config';
import { SchoolFunction } from '../constructs/school-function';
import { acknowledgeWildcards, nagAccountOf } from '../nag';
import { schoolSecretPrefix } from '../naming';
import type { ShardGroupRef } from '../platform-data';
import type { SchoolObjectPolicies } from '../constructs/school-object-policies';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { MigrateFleetWorkflow } from '../workflows/migrate-fleet.workflow';
import { MoveSchoolWorkflow } from '../workflows/move-school.workflow';
import { OffboardSchoolWorkflow } from '../workflows/offboard-school.workflow';
import { OnboardSchoolWorkflow } from '../workflows/onboard-school.workflow';
import { serviceNames } from '../../lambdas/shared/telemetry-names';

export interface OnboardingStackProps extends StackProps {
  readonly config: StageConfig;
  /** The groups schools are placed in, with their master secrets. */
  readonly shardGroups: readonly ShardGroupRef[];
  /** Schools, slugs and shard group slots. */
  readonly tenantDirectory: ITableV2;
  /** The key school secrets are encrypted with. */
  readonly schoolSecretsKey: IKey;
  /**
   * Where school secrets are replicated, and the key there (an alias name is enough).
   * @default no replica (a stage serving from its DR region)
   */
  readonly secretsReplica?: { readonly region: string; readonly keyAlias: string };
  /** The user pool the first school admin is invited to. */
  readonly userPool: IUserPool;
  /** Where offboarding writes a school's archive, and the policy that lets it. */
  readonly exportsBucket: IBucket;
  readonly exportsPolicies: SchoolObjectPolicies;
}

/**
 * The school lifecycle workflows (DESIGN.md §6): the onboarding state machine with the
 * functions that run its steps, each function allowed only what its steps touch, and the
 * topic that tells operators how each run ended.
 */
export class OnboardingStack extends Stack {
  readonly onboardSchool: OnboardSchoolWorkflow;
  readonly migrateFleet: MigrateFleetWorkflow;
  readonly offboardSchool: OffboardSchoolWorkflow;
  readonly moveSchool: MoveSchoolWorkflow;
  readonly operatorTopic: Topic;
  /** The step functions, by name, for monitoring. */
  readonly stepFunctions: Record<string, SchoolFunction>;

  constructor(scope: Construct, id: string, props: OnboardingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = stagePrefix(config);

    const topicKey = new Key(this, 'OperatorTopicKey', {
      description: `Campus Cloud ${config.name}: onboarding notices`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.operatorTopic = new Topic(this, 'OperatorNotices', {
      topicName: `${prefix}-onboarding-notices`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.operatorTopic.addSubscription(new EmailSubscription(config.operatorEmail));

    const stepFunction = (name: string, entry: string, description: string) =>
      new SchoolFunction(this, name, {
        config,
        entry,
        serviceName: serviceNames.onboarding,
        description,
        timeout: Duration.minutes(2),
        environment: {
          [shardGroupsVariable]: this.toJsonString(
            Object.fromEntries(
              props.shardGroups.map((ref) => [
                ref.group.id,
                {
                  clusterArn: ref.clusterArn,
                  masterSecretArn: ref.masterSecret.secretArn,
                  maxSchools: ref.group.maxSchools,
                },
              ]),
            ),
          ),
        },
      });

    // Directory steps: read and write records by key; nothing else.
    const directorySteps = stepFunction(
      'DirectorySteps',
      'lambdas/onboarding/directory-steps.handler.ts',
      'Onboarding steps on the tenant directory: validation, shard group slots, registration, status.',
    );
    directorySteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.tenantDirectory.tableArn],
      }),
    );
    props.tenantDirectory.encryptionKey?.grant(directorySteps, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');

    // Database steps: the Data API as each group's master, and the school secrets they create.
    const databaseSteps = stepFunction(
      'DatabaseSteps',
      'lambdas/onboarding/database-steps.handler.ts',
      'Onboarding steps in a shard group: school role, database and secret, migrations, defaults.',
    );
    databaseSteps.addEnvironment(
      schoolSecretsVariable,
      this.toJsonString({
        kmsKeyId: props.schoolSecretsKey.keyArn,
        ...(props.secretsReplica
          ? { replica: { region: props.secretsReplica.region, kmsKeyId: props.secretsReplica.keyAlias } }
          : {}),
      }),
    );
    const dataApiStatement = new PolicyStatement({
      actions: [
        'rds-data:ExecuteStatement',
        'rds-data:BeginTransaction',
        'rds-data:CommitTransaction',
        'rds-data:RollbackTransaction',
      ],
      resources: props.shardGroups.map((ref) => ref.clusterArn),
    });
    databaseSteps.addToRolePolicy(dataApiStatement);
    // Statements on this role rather than grants: a grant may write the other stack's key policy, a cycle.
    databaseSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: props.shardGroups.map((ref) => ref.masterSecret.secretArn),
      }),
    );
    const viaSecretsManager = { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } };
    const masterKeys = props.shardGroups.flatMap((ref) => ref.masterSecret.encryptionKey?.keyArn ?? []);
    if (masterKeys.length) {
      databaseSteps.addToRolePolicy(
        new PolicyStatement({ actions: ['kms:Decrypt'], resources: masterKeys, conditions: viaSecretsManager }),
      );
    }
    const schoolSecrets = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${schoolSecretPrefix(config)}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    databaseSteps.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:DeleteSecret',
          'secretsmanager:TagResource',
          ...(props.secretsReplica ? ['secretsmanager:ReplicateSecretToRegions'] : []),
        ],
        resources: [schoolSecrets],
      }),
    );
    databaseSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.schoolSecretsKey.keyArn],
        conditions: viaSecretsManager,
      }),
    );
    acknowledgeWildcards(
      databaseSteps.role!,
      {
        resources: [
          `arn:aws:secretsmanager:${this.region}:${nagAccountOf(this)}:secret:${schoolSecretPrefix(config)}*`,
        ],
      },
      'Onboarding creates each school secret, so it can only name them by the stage prefix; offboarding and compensation delete them.',
    );

    // Admin-user steps: invite the first admin, and undo that invitation.
    const adminUserSteps = stepFunction(
      'AdminUserSteps',
      'lambdas/onboarding/admin-user-steps.handler.ts',
      'Onboarding steps in the user pool: the first school admin.',
    );
    adminUserSteps.addEnvironment(userPoolVariable, props.userPool.userPoolId);
    adminUserSteps.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminDeleteUser',
        ],
        resources: [props.userPool.userPoolArn],
      }),
    );

    // Fleet steps: list ACTIVE schools, migrate each as its own role, record the version reached.
    const fleetSteps = stepFunction(
      'FleetSteps',
      'lambdas/onboarding/fleet-steps.handler.ts',
      'Fleet migration steps: plan the waves, migrate one school, check a wave, report.',
    );
    fleetSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.tenantDirectory.tableArn],
      }),
    );
    fleetSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.tenantDirectory.tableArn}/index/byStatus`],
      }),
    );
    props.tenantDirectory.encryptionKey?.grant(fleetSteps, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    fleetSteps.addToRolePolicy(dataApiStatement);
    fleetSteps.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [schoolSecrets] }),
    );
    fleetSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [props.schoolSecretsKey.keyArn],
        conditions: viaSecretsManager,
      }),
    );
    acknowledgeWildcards(
      fleetSteps.role!,
      {
        resources: [
          `arn:aws:secretsmanager:${this.region}:${nagAccountOf(this)}:secret:${schoolSecretPrefix(config)}*`,
        ],
      },
      "Fleet migration runs each school's migrations as the school's own role, reading its secret; school secrets are named by the stage prefix.",
    );

    // Offboarding: the archive into the exports bucket, the school's accounts removed, the record kept for the retention.
    // Its database steps find the school's database from its directory record, by key, read only.
    databaseSteps.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.tenantDirectory.tableArn] }),
    );
    props.tenantDirectory.encryptionKey?.grantDecrypt(databaseSteps);
    databaseSteps.role!.addManagedPolicy(props.exportsPolicies.write);
    databaseSteps.addEnvironment(bucketVariable('exports'), props.exportsBucket.bucketName);
    databaseSteps.addEnvironment(userPoolVariable, props.userPool.userPoolId);
    databaseSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
        resources: [props.userPool.userPoolArn],
      }),
    );
    directorySteps.addEnvironment(archiveRetentionDaysVariable, String(config.retention.exportDays));
    // Onboarding takes only schools whose data may stay in the stage's jurisdiction.
    directorySteps.addEnvironment(servedCountriesVariable, servedCountries(config).join(','));
    this.offboardSchool = new OffboardSchoolWorkflow(this, 'OffboardSchool', {
      config,
      directorySteps,
      databaseSteps,
      operatorTopic: this.operatorTopic,
    });
    topicKey.grant(this.offboardSchool.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');
    // Moves read back the archive they copy through.
    databaseSteps.role!.addManagedPolicy(props.exportsPolicies.read);
    this.moveSchool = new MoveSchoolWorkflow(this, 'MoveSchool', {
      config,
      directorySteps,
      databaseSteps,
      operatorTopic: this.operatorTopic,
    });
    topicKey.grant(this.moveSchool.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.stepFunctions = {
      'onboarding-directory-steps': directorySteps,
      'onboarding-database-steps': databaseSteps,
      'onboarding-admin-user-steps': adminUserSteps,
      'fleet-steps': fleetSteps,
    };
    this.migrateFleet = new MigrateFleetWorkflow(this, 'MigrateFleet', { config, fleetSteps });
    this.onboardSchool = new OnboardSchoolWorkflow(this, 'OnboardSchool', {
      config,
      directorySteps,
      databaseSteps,
      adminUserSteps,
      operatorTopic: this.operatorTopic,
    });
    // Publishing to the encrypted topic needs its key.
    topicKey.grant(this.onboardSchool.stateMachine, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
