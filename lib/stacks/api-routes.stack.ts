import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  type HttpApi,
  AuthorizerPayloadVersion,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import {
  directoryCacheSecondsVariable,
  onboardingArnVariable,
  scoringRunArnVariable,
  userPoolVariable,
} from '../../lambdas/shared/platform-variables';
import { acknowledgeWildcards, nagAccountOf } from '../nag';
import { lifecycleStateMachineName } from '../workflows/workflow-parts';
import { type BucketPurpose, bucketVariable } from '../../lambdas/shared/buckets';
import {
  exportsQueue,
  privacyRequestsQueue,
  notificationDueQueue,
  type QueueDefinition,
  reportsQueue,
  rescoreQueue,
  schoolRescoreQueue,
} from '../../lambdas/shared/queues';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  handlerName,
  type RouteDefinition,
  type RouteGrant,
  type RouteGroup,
  routeKey,
  routeGroups,
} from '../../lambdas/api/routes';
import { integrationAuthorizerHandler, isIntegrationAccess } from '../../lambdas/api/route-contract';
import { apiFunctionDescription, apiFunctionTimeoutSeconds } from '../api-functions';
import { healthTargetsVariable, type HealthTargets } from '../../lambdas/api/health/health.schemas';
import { healthRoutes } from '../../lambdas/api/health/health.routes';
import type { StageConfig } from '../config';
import {
  appOriginVariable,
  notificationKeysSecretVariable,
  tokenIssuerVariable,
} from '../../lambdas/shared/platform-variables';
import type { MessageSending } from './messaging.stack';
import { grantSchoolData } from '../constructs/school-data-grant';
import type { SchoolObjectPolicies } from '../constructs/school-object-policies';
import { SchoolFunction } from '../constructs/school-function';
import type { TenantDataAccess } from '../constructs/tenant-data-access';
import type { ShardGroupRef } from '../platform-data';
import { serviceNames } from '../../lambdas/shared/telemetry-names';

export interface ApiRoutesStackProps extends StackProps {
  readonly config: StageConfig;
  readonly api: HttpApi;
  /** The user pool's issuer URL (the JWT authorizer's `iss`). */
  readonly issuerUrl: string;
  /** Tokens must be issued to these clients (the JWT authorizer's audience). */
  readonly clients: readonly IUserPoolClient[];
  readonly tenantDataAccess: TenantDataAccess;
  /** The platform queue a definition names: routes send exports, reports and rescoring requests to them. */
  readonly queue: (definition: QueueDefinition) => IQueue;
  /** What `read-exports` routes sign download links for, and the policy that lets them. */
  readonly exportsBucket: IBucket;
  readonly exportsPolicies: SchoolObjectPolicies;
  /** What `read-reports` routes sign download links for, and the policy that lets them. */
  readonly reportsBucket: IBucket;
  readonly reportsPolicies: SchoolObjectPolicies;
  /** The scoring run that `start-scoring` routes start. */
  readonly scoringRun: IStateMachine;
  /** Where `read-scoring-runs` routes read a school's runs. */
  readonly scoringRunsTable: ITableV2;
  /** The tenant directory, which school routes read to find a school's database. */
  readonly tenantDirectory: ITableV2;
  /** Where `idempotency` routes keep Powertools idempotency records. */
  readonly idempotencyTable: ITableV2;
  /** Where live-connection tickets are put (the data stack's live connections table). */
  readonly liveConnectionsTable: ITableV2;
  /** Integrations' OAuth clients: read by the integrations' authorizer, written by the integrations' routes. */
  readonly integrationClientsTable: ITableV2;
  /** Integrations' calls: counted and listed by the routes integrations call, read by the integrations' routes. */
  readonly integrationCallsTable: ITableV2;
  /** The notification keys secret, which `notification-keys` routes read (the public VAPID key; invitation links). */
  readonly messaging: Pick<MessageSending, 'notificationKeysSecretName' | 'grantReadNotificationKeys'>;
  /** Where schools open the web app (`https://…`): browsers' push endpoints are checked against it locally. */
  readonly appOrigin: string;
  /** The user pool, which staff routes manage users in. */
  readonly userPool: IUserPool;
  /** The shard groups whose cluster ARNs handlers of school routes receive. */
  readonly shardGroups: readonly ShardGroupRef[];
  /**
   * @default the project's route manifest. Handlers check access against their own groups,
   * so other groups only serve to test this stack's wiring.
   */
  readonly routeGroups?: readonly RouteGroup[];
  /**
   * The routes stack whose authorizers these routes use, when the API's routes are split across
   * stacks (one stack holds at most 500 resources). @default this stack makes the API's authorizers
   */
  readonly authorizersOf?: ApiRoutesStack;
  /**
   * What the public health route probes, with the permissions to: the tenant directory, a
   * bucket, the platform's queues and state machines, each shard group through its master
   * secret. @default none: on AWS a public health check must not wake an auto-paused cluster.
   */
  readonly healthProbes?: HealthProbes;
}

export interface HealthProbes {
  readonly bucket: IBucket;
  /** Queue names of the stage start with this. */
  readonly queuePrefix: string;
  /** Shard group id → its master secret's ARN. */
  readonly masterSecrets: Readonly<Record<string, string>>;
}

/**
 * The HTTP API's routes, one per entry of the route manifest, each with its Lambda and,
 * unless public, the Cognito JWT authorizer. Functions that serve school routes may
 * assume the tenant access role.
 */
export class ApiRoutesStack extends Stack {
  readonly functions = new Map<string, SchoolFunction>();
  /** The API's authorizers, of people's tokens (Cognito JWT) and of integrations' (Lambda): made here or shared. */
  readonly authorizers: { readonly people: IHttpRouteAuthorizer; readonly integrations: IHttpRouteAuthorizer };

  constructor(scope: Construct, id: string, props: ApiRoutesStackProps) {
    super(scope, id, props);
    // Made up front, not on first use, so the API has its authorizers even while every route is public.
    this.authorizers = props.authorizersOf
      ? props.authorizersOf.authorizers
      : { people: this.peopleAuthorizer(props), integrations: this.integrationAuthorizer(props) };
    const { people: authorizer, integrations: integrationAuthorizer } = this.authorizers;

    // A function serves several routes: it gets what any of its protected routes needs, once.
    const needs = new Map<SchoolFunction, Set<RouteGrant>>();
    for (const group of props.routeGroups ?? routeGroups) {
      const fn = this.functionFor(group, props.config);
      for (const route of group.routes) {
        this.addRoute(route, fn, isIntegrationAccess(route.access) ? integrationAuthorizer : authorizer, needs, props);
      }
    }
    for (const [fn, grants] of needs) this.grantRouteNeeds(fn, grants, props);
    if (props.healthProbes) this.grantHealthProbes(props.healthProbes, props);
  }

  /** The JWT authorizer of people's routes: a Cognito token issued to the web app. */
  private peopleAuthorizer(props: ApiRoutesStackProps): IHttpRouteAuthorizer {
    const jwt = new HttpAuthorizer(this, 'CognitoJwt', {
      httpApi: props.api,
      authorizerName: 'cognito-jwt',
      type: HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: props.issuerUrl,
      jwtAudience: props.clients.map((client) => client.userPoolClientId),
    });
    const authorizerId = jwt.authorizerId;
    return { bind: () => ({ authorizerId, authorizationType: 'JWT' }) };
  }

  /**
   * The Lambda authorizer of the routes integrations call: it checks the client's token against
   * the user pool's keys and the client's record on every call (no cache), so a revoked client is
   * refused on its next call.
   */
  private integrationAuthorizer(props: ApiRoutesStackProps): IHttpRouteAuthorizer {
    const fn = new SchoolFunction(this, handlerName(integrationAuthorizerHandler), {
      config: props.config,
      entry: integrationAuthorizerHandler,
      serviceName: serviceNames.api,
      description: "Integrations' authorizer: an active client's token, of its school",
      timeout: Duration.seconds(5),
      environment: { [tokenIssuerVariable]: props.issuerUrl },
    });
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.integrationClientsTable.tableArn] }),
    );
    props.integrationClientsTable.encryptionKey?.grantDecrypt(fn);
    // Made here, as the JWT authorizer is: the HTTP API's stack cannot refer to this stack's function.
    const lambdaAuthorizer = new HttpAuthorizer(this, 'IntegrationClients', {
      httpApi: props.api,
      authorizerName: 'integration-clients',
      type: HttpAuthorizerType.LAMBDA,
      identitySource: ['$request.header.Authorization'],
      enableSimpleResponses: true,
      payloadFormatVersion: AuthorizerPayloadVersion.VERSION_2_0,
      authorizerUri: `arn:${Stack.of(this).partition}:apigateway:${Stack.of(this).region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
      resultsCacheTtl: Duration.seconds(0),
    });
    fn.addPermission('InvokedByTheApi', {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this).formatArn({
        service: 'execute-api',
        resource: props.api.apiId,
        resourceName: `authorizers/${lambdaAuthorizer.authorizerId}`,
      }),
    });
    const authorizerId = lambdaAuthorizer.authorizerId;
    return { bind: () => ({ authorizerId, authorizationType: 'CUSTOM' }) };
  }

  /** Lets the health function probe each component, with its targets in its environment. */
  private grantHealthProbes(probes: HealthProbes, props: ApiRoutesStackProps): void {
    const health = this.functions.get(healthRoutes.handler);
    if (!health) return;
    const clusters = Object.fromEntries(props.shardGroups.map((group) => [group.group.id, group.clusterArn]));
    const targets: HealthTargets = {
      tenantTable: props.tenantDirectory.tableName,
      bucket: probes.bucket.bucketName,
      queuePrefix: probes.queuePrefix,
      stateMachines: true,
      shardGroups: Object.fromEntries(
        Object.entries(probes.masterSecrets).map(([id, secretArn]) => [id, { resourceArn: clusters[id]!, secretArn }]),
      ),
    };
    health.addEnvironment(healthTargetsVariable, Stack.of(this).toJsonString(targets));
    const allow = (actions: string[], resources: string[]) =>
      health.addToRolePolicy(new PolicyStatement({ actions, resources }));
    allow(['dynamodb:DescribeTable'], [props.tenantDirectory.tableArn]);
    allow(['s3:ListBucket'], [probes.bucket.bucketArn]);
    // Listing queues and state machines takes no narrower resource.
    allow(['sqs:ListQueues', 'states:ListStateMachines'], ['*']);
    allow(['rds-data:ExecuteStatement'], Object.values(clusters));
    allow(['secretsmanager:GetSecretValue'], Object.values(probes.masterSecrets));
  }

  private addRoute(
    route: RouteDefinition,
    fn: SchoolFunction,
    authorizer: IHttpRouteAuthorizer,
    needs: Map<SchoolFunction, Set<RouteGrant>>,
    props: ApiRoutesStackProps,
  ): void {
    // A public route reaches school data only when its declaration says so (a capability in its link).
    if (route.access !== 'public' || route.grants?.includes('school-data-by-link')) {
      const grants = needs.get(fn) ?? new Set<RouteGrant>();
      for (const grant of route.grants ?? []) grants.add(grant);
      // An integration's calls are counted against its rate and listed for its school's admin.
      if (isIntegrationAccess(route.access)) grants.add('count-integration-calls');
      needs.set(fn, grants);
    }
    const httpRoute = new HttpRoute(this, `Route ${routeKey(route)}`, {
      httpApi: props.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: this.integrationFor(route, fn),
      ...(route.access === 'public' ? {} : { authorizer }),
    });
    if (route.access === 'public') {
      Validations.of(httpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: route.grants?.includes('school-data-by-link')
          ? `${routeKey(route)} is public by design in the route manifest (${route.summary}); the unguessable id in its link is the capability, and it reaches one recipient's own choice.`
          : `${routeKey(route)} is public by design in the route manifest (${route.summary}); it returns no school data.`,
      });
    }
  }

  /** A protected route's function: its school's data, and the platform resources its routes' grants name. */
  private grantRouteNeeds(fn: SchoolFunction, grants: ReadonlySet<RouteGrant>, props: ApiRoutesStackProps): void {
    grantSchoolData(fn, props);
    if (grants.has('manage-users')) {
      fn.addEnvironment(userPoolVariable, props.userPool.userPoolId);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminRemoveUserFromGroup',
            'cognito-idp:AdminDisableUser',
            'cognito-idp:AdminDeleteUser',
          ],
          resources: [props.userPool.userPoolArn],
        }),
      );
    }
    const sendsTo = (definition: QueueDefinition) => {
      const queue = props.queue(definition);
      queue.grantSendMessages(fn);
      fn.addEnvironment(definition.urlVariable, queue.queueUrl);
    };
    // Download links are signed with the function's own credentials: it may read that bucket's school objects, nothing else.
    const readsObjects = (purpose: BucketPurpose, bucket: IBucket, policies: SchoolObjectPolicies) => {
      fn.role!.addManagedPolicy(policies.read);
      fn.addEnvironment(bucketVariable(purpose), bucket.bucketName);
    };
    if (grants.has('queue-exports')) sendsTo(exportsQueue);
    if (grants.has('queue-privacy-requests')) sendsTo(privacyRequestsQueue);
    if (grants.has('read-exports')) readsObjects('exports', props.exportsBucket, props.exportsPolicies);
    if (grants.has('queue-reports')) sendsTo(reportsQueue);
    if (grants.has('read-reports')) readsObjects('reports', props.reportsBucket, props.reportsPolicies);
    if (grants.has('queue-rescore')) {
      sendsTo(rescoreQueue);
      sendsTo(schoolRescoreQueue);
    }
    if (grants.has('queue-notifications')) sendsTo(notificationDueQueue);
    if (grants.has('start-scoring')) {
      props.scoringRun.grantStartExecution(fn);
      fn.addEnvironment(scoringRunArnVariable, props.scoringRun.stateMachineArn);
    }
    if (grants.has('read-scoring-runs')) {
      // A school's runs by the school index, and one run's school item by key.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [props.scoringRunsTable.tableArn, `${props.scoringRunsTable.tableArn}/index/bySchool`],
        }),
      );
      props.scoringRunsTable.encryptionKey?.grantDecrypt(fn);
    }
    if (grants.has('read-onboarding-runs')) {
      // By name, not by reference: the onboarding stack is deployed after this one.
      const stack = Stack.of(this);
      const name = lifecycleStateMachineName(props.config, 'onboard-school');
      const machineArn = `arn:aws:states:${stack.region}:${stack.account}:stateMachine:${name}`;
      const executions = `arn:aws:states:${stack.region}:${stack.account}:execution:${name}:*`;
      fn.addEnvironment(onboardingArnVariable, machineArn);
      fn.addToRolePolicy(new PolicyStatement({ actions: ['states:ListExecutions'], resources: [machineArn] }));
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
          resources: [executions],
        }),
      );
      acknowledgeWildcards(
        fn.role!,
        { resources: [`arn:aws:states:${stack.region}:${nagAccountOf(stack)}:execution:${name}:*`] },
        'Execution names are chosen when a run starts; the ARNs stay within the onboarding state machine, read only.',
      );
    }
    if (grants.has('idempotency')) {
      // What Powertools idempotency does with its records, by key only.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [props.idempotencyTable.tableArn],
        }),
      );
      props.idempotencyTable.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    }
    if (grants.has('live-tickets')) {
      // Tickets are put by key and never read back here: the live API's $connect uses them up.
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [props.liveConnectionsTable.tableArn] }),
      );
      props.liveConnectionsTable.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    }
    if (grants.has('set-passwords')) {
      fn.addEnvironment(userPoolVariable, props.userPool.userPoolId);
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['cognito-idp:AdminSetUserPassword'], resources: [props.userPool.userPoolArn] }),
      );
    }
    if (grants.has('notification-keys')) {
      props.messaging.grantReadNotificationKeys(fn);
      fn.addEnvironment(notificationKeysSecretVariable, props.messaging.notificationKeysSecretName);
      fn.addEnvironment(appOriginVariable, props.appOrigin);
    }
    const integrationClients = props.integrationClientsTable;
    const integrationCalls = props.integrationCallsTable;
    if (grants.has('manage-integrations')) {
      fn.addEnvironment(userPoolVariable, props.userPool.userPoolId);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [
            'cognito-idp:CreateUserPoolClient',
            'cognito-idp:AddUserPoolClientSecret',
            'cognito-idp:ListUserPoolClientSecrets',
            'cognito-idp:DeleteUserPoolClientSecret',
            'cognito-idp:DeleteUserPoolClient',
          ],
          resources: [props.userPool.userPoolArn],
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [integrationClients.tableArn],
        }),
      );
      integrationClients.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
      // An integration's recent calls, for its school admin.
      fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [integrationCalls.tableArn] }));
      integrationCalls.encryptionKey?.grantDecrypt(fn);
    }
    if (grants.has('count-integration-calls')) {
      // The calls table only: a route an integration calls can change nothing of a client's record.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'],
          resources: [integrationCalls.tableArn],
        }),
      );
      integrationCalls.encryptionKey?.grant(fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    }
    if (grants.has('list-schools')) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${props.tenantDirectory.tableArn}/index/byStatus`],
        }),
      );
    }
  }

  private readonly integrations = new Map<string, HttpLambdaIntegration>();

  /** One Lambda integration per handler module, shared by its routes. */
  private integrationFor(route: RouteDefinition, fn: SchoolFunction): HttpLambdaIntegration {
    let integration = this.integrations.get(route.handler);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${handlerName(route.handler)}Integration`, fn);
      this.integrations.set(route.handler, integration);
    }
    return integration;
  }

  /** One function per handler module (a group of the manifest), shared by the routes it serves. */
  private functionFor(group: RouteGroup, config: StageConfig): SchoolFunction {
    const fn = new SchoolFunction(this, handlerName(group.handler), {
      config,
      entry: group.handler,
      serviceName: serviceNames.api,
      description: apiFunctionDescription(group),
      timeout: Duration.seconds(apiFunctionTimeoutSeconds(config, group)),
      ...(group.function.memorySize ? { memorySize: group.function.memorySize } : {}),
      environment: { [directoryCacheSecondsVariable]: String(config.api.directoryCacheSeconds) },
    });
    this.functions.set(group.handler, fn);
    return fn;
  }
}
