import { type App, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { RouteGroup } from '../../lambdas/api/routes';
import {
  idempotencyTable,
  integrationCallsTable,
  integrationClientsTable,
  liveConnectionsTable,
  platformTables,
  scoringRunsTable,
  tenantDirectoryTable,
} from '../../lambdas/shared/tables';
import { type StageConfig, stagePrefix } from '../../lib/config';
import { schoolObjectPolicies } from '../../lib/constructs/school-object-policies';
import { TenantDataAccess } from '../../lib/constructs/tenant-data-access';
import { physicalName, schoolSecretPrefix, stackName } from '../../lib/naming';
import type { PlatformData } from '../../lib/platform-data';
import { ApiRoutesStack, type ApiRoutesStackProps } from '../../lib/stacks/api-routes.stack';
import { integrationRouteGroups, routeGroups } from '../../lambdas/api/routes';
import { BatchStack } from '../../lib/stacks/batch.stack';
import { LiveStack } from '../../lib/stacks/live.stack';
import { MessagingStack } from '../../lib/stacks/messaging.stack';
import { OnboardingStack } from '../../lib/stacks/onboarding.stack';
import { localUserPoolId } from '../issuer/cognito-admin-server';
import { localClusterArn } from '../local-stage';
import { localAccountId, localRegion } from '../sqs/sqs-server';

/** The local platform's own resources, which the stacks are given in place of the data and auth stacks. */
export interface LocalResources {
  /** Shard group id → the ARN of its master secret in the local secret store. */
  readonly masterSecretArns: Readonly<Record<string, string>>;
  /** The local issuer: its URL and the web app's client id. */
  readonly issuerUrl: string;
  readonly webClientId: string;
  /** Where the web app is served (`http://localhost:<port>`). */
  readonly appOrigin: string;
  /** @default the project's route manifest; tests give other groups */
  readonly routeGroups?: readonly RouteGroup[];
}

/**
 * The stacks whose functions, roles and state machines the local platform runs: the same
 * API routes, batch and onboarding stacks as on AWS, given the local platform's resources
 * (shard groups, tables, buckets, user pool, issuer) by reference in place of the data and
 * auth stacks, which hold nothing a function or a state machine reads locally.
 */
export const platformStacks =
  (stage: StageConfig, resources: LocalResources) =>
  (app: App): void => {
    const env = { account: localAccountId, region: localRegion };
    const prefix = stagePrefix(stage);
    const platform = new Stack(app, `${prefix}-platform`, { env });
    Validations.of(platform).acknowledge({
      id: 'CloudFormation-Validate::F0001',
      reason: 'Holds only references to the local platform’s own resources; it is never deployed.',
    });
    const shardGroups = stage.shardGroups.map((group) => ({
      group,
      clusterArn: localClusterArn(group.id),
      clusterIdentifier: `${prefix}-${group.id}`,
      masterSecret: Secret.fromSecretCompleteArn(platform, `Master-${group.id}`, resources.masterSecretArns[group.id]!),
    }));
    const tables = Object.fromEntries(
      platformTables.map((table) => [
        table.logicalName,
        TableV2.fromTableName(platform, `Table-${table.logicalName}`, physicalName(stage, table.logicalName)),
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
        buckets.set(purpose, Bucket.fromBucketName(platform, `Bucket-${purpose}`, physicalName(stage, purpose)));
      }
      return buckets.get(purpose)!;
    };
    const policiesOf = (purpose: string) =>
      schoolObjectPolicies(platform, purpose, bucket(purpose), `arn:aws:s3:::${physicalName(stage, purpose)}`);
    const data: PlatformData = {
      shardGroups,
      tables,
      tenantDataAccess: new TenantDataAccess(platform, 'TenantDataAccess', {
        schoolSecretPrefix: schoolSecretPrefix(stage),
        clusterArns: shardGroups.map((group) => group.clusterArn),
        secretsKey: schoolSecretsKey,
        trustedRoleNamePrefixes: [`${prefix}-`],
      }),
      schoolSecretsKey,
      exportsBucket: bucket('exports'),
      reportsBucket: bucket('reports'),
      importsBucket: bucket('imports'),
      exportsPolicies: policiesOf('exports'),
      reportsPolicies: policiesOf('reports'),
    };
    const userPool = UserPool.fromUserPoolId(platform, 'UserPool', localUserPoolId);
    const tenantDirectory = tables[tenantDirectoryTable.logicalName]!;
    const messaging = new MessagingStack(app, `${prefix}-messaging`, { config: stage, env });
    const live = new LiveStack(app, `${prefix}-live`, {
      config: stage,
      env,
      connections: tables[liveConnectionsTable.logicalName]!,
    });
    const batch = new BatchStack(app, `${prefix}-batch`, {
      config: stage,
      env,
      data,
      tenantDirectory,
      messaging,
      live,
      appOrigin: resources.appOrigin,
      userPool,
    });
    const routesProps = {
      config: stage,
      env,
      api: new HttpApi(platform, 'Api', { createDefaultStage: false }),
      issuerUrl: resources.issuerUrl,
      clients: [UserPoolClient.fromUserPoolClientId(platform, 'WebClient', resources.webClientId)],
      tenantDataAccess: data.tenantDataAccess,
      tenantDirectory,
      idempotencyTable: tables[idempotencyTable.logicalName]!,
      liveConnectionsTable: tables[liveConnectionsTable.logicalName]!,
      integrationClientsTable: tables[integrationClientsTable.logicalName]!,
      integrationCallsTable: tables[integrationCallsTable.logicalName]!,
      messaging,
      appOrigin: resources.appOrigin,
      queue: (definition) => batch.queue(definition),
      exportsBucket: data.exportsBucket,
      exportsPolicies: data.exportsPolicies,
      reportsBucket: data.reportsBucket,
      reportsPolicies: data.reportsPolicies,
      scoringRun: batch.scoringRun.stateMachine,
      scoringRunsTable: tables[scoringRunsTable.logicalName]!,
      userPool,
      shardGroups,
      // Locally the public health check probes every component: there is no cluster to wake.
      healthProbes: {
        bucket: data.exportsBucket,
        queuePrefix: `${prefix}-`,
        masterSecrets: resources.masterSecretArns,
      },
    } satisfies ApiRoutesStackProps;
    // The API's routes in two stacks, as the CDK app deploys them.
    const groups = resources.routeGroups ?? routeGroups;
    const apiRoutes = new ApiRoutesStack(app, stackName(stage, 'api-routes'), {
      ...routesProps,
      routeGroups: groups.filter((group) => !integrationRouteGroups.includes(group)),
    });
    const integrationGroups = groups.filter((group) => integrationRouteGroups.includes(group));
    if (integrationGroups.length) {
      new ApiRoutesStack(app, stackName(stage, 'api-routes-integrations'), {
        ...routesProps,
        routeGroups: integrationGroups,
        authorizersOf: apiRoutes,
      });
    }
    new OnboardingStack(app, `${prefix}-onboarding`, {
      config: stage,
      env,
      shardGroups,
      tenantDirectory,
      schoolSecretsKey,
      userPool,
      exportsBucket: data.exportsBucket,
      exportsPolicies: data.exportsPolicies,
    });
  };
