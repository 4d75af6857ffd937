import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import type { RouteGroup } from '../lambdas/api/routes';
import {
  directoryCacheSecondsVariable,
  livePath,
  onboardingArnVariable,
  scoringRunArnVariable,
} from '../lambdas/shared/platform-variables';
import { shardGroupClustersVariable, shardGroupsVariable } from '../lambdas/shared/runtime';
import { platformBuckets } from '../lambdas/shared/buckets';
import { userPoolVariable } from '../lambdas/shared/user-directory';
import { platformQueues } from '../lambdas/shared/queues';
import { platformTables } from '../lambdas/shared/tables';
import { stagePrefix } from '../lib/config';
import { physicalName, shardGroupMasterSecretName } from '../lib/naming';
import { projectRoot, projectVersion } from '../lib/project';
import { type DataApiLimits, type DataApiServer, startDataApi } from './data-api/data-api-server';
import { SecretStore } from './secrets/secret-store';
import { startSecretsManager } from './secrets/secrets-manager-server';
import { startDynamoDb } from './dynamodb/dynamodb-server';
import { LocalEventLog } from './events/event-log';
import { eventEnvelope, eventRulesIn, matchesPattern } from './events/event-rules';
import { InvitationOutbox, outboxFileName } from './issuer/outbox';
import { type LocalLiveApi, startLiveApi, webSocketApisIn } from './live/live-api';
import { type LocalMessaging, startLocalMessaging } from './messaging/local-messaging';
import { mailboxMountPath, mailboxPage } from './messaging/mailbox-page';
import { pushService, pushServiceMountPath } from './messaging/push-service';
import { type LocalGateway, startLocalGateway } from './gateway/local-gateway';
import { startHttpServer } from './http-server';
import { type AccessKey, LocalCredentials } from './iam/local-credentials';
import { LocalIam } from './iam/local-iam';
import { protectedServices } from './iam/protected-services';
import { rolesIn } from './iam/role-policies';
import { type FunctionCatalog, functionCatalog, type LocalFunction } from './lambda/function-catalog';
import { FunctionHost } from './lambda/function-host';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { IntegrationClients } from '../lambdas/shared/integration-clients';
import { ObjectStore } from './objects/object-store';
import { objectsMountPath, s3Endpoint } from './objects/s3-endpoint';
import { localAccessKey } from './access-key';
import { localUserPoolId, startCognitoAdmin } from './issuer/cognito-admin-server';
import { createLocalIssuer, issuerMountPath, type LocalIssuer } from './issuer/local-issuer';
import { localClusterArn, localStage, localStageWith } from './local-stage';
import { freePort } from './ports';
import { createTemplateSecrets } from './secrets/template-secrets';
import { PostgresServer } from './postgres/postgres-server';
import { startSqsPoller } from './sqs/sqs-poller';
import { localAccountId, localRegion, startSqs } from './sqs/sqs-server';
import { type LocalScheduler, startLocalScheduler } from './scheduler/local-scheduler';
import { platformStacks } from './stacks/platform-stacks';
import { type LocalStepFunctions, startStepFunctions } from './step-functions/local-step-functions';
import type { SynthesizedStack } from './step-functions/template-values';
import { synthesizeStacks } from './stacks/synthesize-stacks';
import { startSts } from './sts/sts-server';

/**
 * What the local runtime sets beyond a function's template, as Lambda's runtime sets its own:
 * no metrics to stdout, quiet logs unless asked, no tracing (X-Ray's automatic mode would
 * install an async hook that every promise pays for).
 */
const localRuntimeSettings = {
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  POWERTOOLS_TRACE_ENABLED: 'false',
  AWS_XRAY_MANUAL_MODE: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** Lambda starts a standard queue's mapping at five batches at once; the local platform stays there. */
const lambdaStartingBatches = 5;

export interface PlatformOptions {
  /** Where state lives between runs (`.local/` for `npm start`, a temporary directory in tests). */
  readonly stateDir: string;
  /** Port of the web app and API; 0 picks a free one. */
  readonly port: number;
  /** Listen on every interface rather than loopback only. @default false */
  readonly public?: boolean;
  /** Throwaway data: PostgreSQL without fsync. @default false */
  readonly fastAndUnsafe?: boolean;
  readonly dataApiLimits?: Partial<DataApiLimits>;
  /** The API's route groups. @default the project's route manifest */
  readonly routeGroups?: readonly RouteGroup[];
  /** Edits the synthesized templates before the platform runs them (tests remove a grant). */
  readonly editTemplates?: (stacks: SynthesizedStack[]) => SynthesizedStack[];
  /** How many schools each local shard group takes. @default the local stage's `maxSchools` */
  readonly shardGroupCapacity?: number;
  /** Replaces every state machine Retry interval, so tests of retry paths do not wait. */
  readonly stepFunctionsRetryIntervalMs?: number;
  /** Replaces every Wait state's duration (with `directoryCacheSeconds`, so moves wait out a shorter cache). */
  readonly stepFunctionsWaitMs?: number;
  /** Fire the schedules (the nightly scoring run) at their times. @default false: tests fire them by hand */
  readonly runSchedules?: boolean;
  /**
   * How long API functions trust a directory read; the move workflow's wait follows it.
   * @default the local stage's `api.directoryCacheSeconds`
   */
  readonly directoryCacheSeconds?: number;
  readonly log?: (line: string) => void;
}

/** An asynchronous invocation as EventBridge makes it: tried again a few times, then given up with a log line. */
async function invokeWithRetries(invoke: () => Promise<unknown>, label: string, log: (line: string) => void) {
  for (let attempt = 1; ; attempt++) {
    try {
      await invoke();
      return;
    } catch (error) {
      if (attempt >= 3) return log(`${label} failed ${attempt} times: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/**
 * The ARNs API functions are given of state machines they start or follow (the scoring run,
 * the onboarding workflow), when the workflow stacks include them.
 */
function stateMachineVariables(stepFunctions: LocalStepFunctions): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [variable, name] of [
    [scoringRunArnVariable, 'scoring-run'],
    [onboardingArnVariable, 'onboard-school'],
  ] as const) {
    const machine = stepFunctions.service
      .listStateMachines()
      .find((candidate) => candidate.name === `${stagePrefix(localStage)}-${name}`);
    if (machine) variables[variable] = machine.arn;
  }
  return variables;
}

export interface LocalShardGroup {
  readonly id: string;
  readonly resourceArn: string;
  /** ARN of the master user's secret in the local secret store. */
  readonly masterSecretArn: string;
  readonly postgres: PostgresServer;
}

export interface Platform {
  readonly url: string;
  /** Where this platform keeps its state. */
  readonly stateDir: string;
  readonly dataApiUrl: string;
  readonly dynamoDbUrl: string;
  readonly sqsUrl: string;
  readonly stepFunctions: LocalStepFunctions;
  /** EventBridge Scheduler's part: the synthesized schedules, fired at their times when `runSchedules`. */
  readonly scheduler: LocalScheduler;
  /** What the workflows sent to EventBridge and SNS. */
  readonly events: LocalEventLog;
  /** Invitations the user directory would have e-mailed. */
  readonly outbox: InvitationOutbox;
  /** E-mail (SES v2) and text messages (End User Messaging SMS) sent, at `/local/mail`. */
  readonly messaging: LocalMessaging;
  /** The live API's open connections (the web app's real-time inbox). */
  readonly live?: LocalLiveApi;
  readonly shardGroups: readonly LocalShardGroup[];
  readonly secrets: SecretStore;
  /** The local OpenID Connect issuer and its users (Cognito's part on AWS). */
  readonly issuer: LocalIssuer;
  /** Set on the run that created the state: the platform operator's sign-in, shown once. */
  readonly firstRunSignIn?: { readonly username: string; readonly password: string };
  /** The functions of the synthesized stacks, each run in an execution environment of its own. */
  readonly functions: FunctionCatalog;
  /** The key a function signs with, so a test can call the endpoints as that function would. */
  credentialsOf(fn: LocalFunction): AccessKey;
  /**
   * The operator's environment, set on this process: the operator's key, the endpoints and the
   * resource names. Functions do not see it: each has its template's environment and its role's key.
   */
  readonly environment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts the local platform in one process: a PostgreSQL server per shard group, the
 * Data API over them, DynamoDB with the platform tables, SQS with the platform queues and
 * their pollers, and the gateway serving the web app and the API. Used by
 * `npm start` and by every integration test (each with its own state directory).
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.stateDir, { recursive: true });
  const secrets = new SecretStore(join(options.stateDir, 'secrets.json'));
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch((error) => log(`stop failed: ${String(error)}`));
  };

  try {
    const shardGroups: LocalShardGroup[] = [];
    for (const group of localStage.shardGroups) {
      const secretName = shardGroupMasterSecretName(localStage, group);
      // Saved before the first start: a run that fails after initdb must not lose the password.
      const masterSecretArn =
        secrets.arnOf(secretName) ??
        secrets.put(secretName, {
          username: 'postgres',
          password: randomBytes(18).toString('base64url'),
          dbname: 'postgres',
        });
      const { password } = secrets.get(masterSecretArn);
      const postgres = await PostgresServer.start({
        dataDir: join(options.stateDir, 'postgres', group.id),
        port: await freePort(),
        superuserPassword: password,
        fastAndUnsafe: options.fastAndUnsafe ?? false,
        onLog: (line) => log(`[postgres ${group.id}] ${line}`),
      });
      started.push(postgres);
      shardGroups.push({ id: group.id, resourceArn: localClusterArn(group.id), masterSecretArn, postgres });
    }

    // The issuer's URL holds the gateway's port, so the port is chosen first.
    const port = options.port || (await freePort());
    const issuer = await createLocalIssuer({ origin: `http://localhost:${port}`, stateDir: options.stateDir });
    let firstRunSignIn: Platform['firstRunSignIn'];
    if (issuer.users.isEmpty) {
      const operator = { username: 'operator@campus.local', password: randomBytes(12).toString('base64url') };
      await issuer.users.create({
        email: operator.username,
        name: 'Platform operator',
        groups: ['platform-operator'],
        password: operator.password,
      });
      firstRunSignIn = operator;
    }

    // The stacks as on AWS, synthesized here: each function's environment and role, the state machines, the schedules.
    const stage = localStageWith({
      ...(options.directoryCacheSeconds === undefined ? {} : { directoryCacheSeconds: options.directoryCacheSeconds }),
      ...(options.shardGroupCapacity === undefined ? {} : { shardGroupCapacity: options.shardGroupCapacity }),
    });
    const synthesized = synthesizeStacks(
      platformStacks(stage, {
        masterSecretArns: Object.fromEntries(shardGroups.map((group) => [group.id, group.masterSecretArn])),
        issuerUrl: issuer.issuerUrl,
        webClientId: issuer.clientId,
        appOrigin: `http://localhost:${port}`,
        ...(options.routeGroups ? { routeGroups: options.routeGroups } : {}),
      }),
    );
    const stacks = options.editTemplates ? options.editTemplates(synthesized) : synthesized;
    // Secrets the stacks generate (the Web Push key's seed), made before any reference to them resolves.
    createTemplateSecrets(stacks, secrets);
    const awsEnvironment = {
      accountId: localAccountId,
      region: localRegion,
      secretArn: (name: string) => secrets.arnOf(name),
    };

    // Who signs each request, and what the synthesized policies let them do.
    const operatorKey = localAccessKey(options.stateDir);
    const credentials = new LocalCredentials({
      signingSecret: operatorKey.secretAccessKey,
      operatorKey,
      accountId: localAccountId,
      roles: rolesIn(stacks, awsEnvironment),
    });
    const iam = new LocalIam(
      credentials,
      {
        ...awsEnvironment,
        secret: (secretId) => {
          const found = secrets.find(secretId);
          return found ? { arn: found.arn, tags: secrets.tagsOf(found.arn) } : undefined;
        },
      },
      log,
    );

    const dynamoDbStore = await startDynamoDb({
      port: 0,
      path: join(options.stateDir, 'dynamodb'),
      tables: platformTables.map((definition) => ({
        name: physicalName(localStage, definition.logicalName),
        definition,
      })),
    });
    started.push({ stop: () => dynamoDbStore.close() });
    const dynamoDb = await startHttpServer(iam.proxy(protectedServices.dynamoDb, dynamoDbStore.url), 0);
    started.push({ stop: () => dynamoDb.close() });

    const queues = platformQueues.map((definition) => ({
      name: physicalName(localStage, definition.logicalName),
      definition,
    }));
    const sqsStore = await startSqs({ port: 0, queues });
    started.push({ stop: () => sqsStore.close() });
    const sqs = await startHttpServer(iam.proxy(protectedServices.sqs, sqsStore.url), 0);
    started.push({ stop: () => sqs.close() });
    const queueUrl = (name: string) => `${sqs.url}/${localAccountId}/${name}`;

    const secretsManager = await startSecretsManager({ store: secrets, port: 0, iam });
    started.push({ stop: () => secretsManager.close() });
    const sts = await startSts({ iam, port: 0 });
    started.push({ stop: () => sts.close() });

    const dataApi: DataApiServer = await startDataApi({
      port: 0,
      clusters: shardGroups.map((group) => ({ resourceArn: group.resourceArn, port: group.postgres.port })),
      secrets,
      iam,
      ...(options.dataApiLimits ? { limits: options.dataApiLimits } : {}),
    });
    started.push({ stop: () => dataApi.close() });

    const events = new LocalEventLog(join(options.stateDir, 'events.jsonl'), log);
    const outbox = new InvitationOutbox(join(options.stateDir, outboxFileName));
    const cognitoAdmin = await startCognitoAdmin({
      users: issuer.users,
      clients: issuer.clients,
      port: 0,
      log,
      outbox,
      iam,
    });
    started.push({ stop: () => cognitoAdmin.close() });
    const messaging = await startLocalMessaging({ stateDir: options.stateDir, iam, events });
    started.push({ stop: () => messaging.close() });

    // Every function in an execution environment of its own: its template's variables, its role's key, the endpoints.
    const catalog = functionCatalog(stacks, { ...awsEnvironment, queueUrl });
    const endpoints = {
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SFN: '',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoAdmin.url,
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_SESV2: messaging.sesUrl,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: messaging.smsUrl,
      AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: '',
      // Same origin as the app, so signed links open in the browser.
      AWS_ENDPOINT_URL_S3: `http://localhost:${port}${objectsMountPath}`,
    };
    const functions = new FunctionHost({
      projectRoot,
      log,
      runtime: (fn) => {
        const key = credentials.forRole(fn.roleArn);
        return {
          AWS_REGION: localRegion,
          AWS_DEFAULT_REGION: localRegion,
          AWS_ACCESS_KEY_ID: key.accessKeyId,
          AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
          AWS_LAMBDA_FUNCTION_NAME: fn.name,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          ...endpoints,
          ...localRuntimeSettings,
        };
      },
    });
    started.push({ stop: () => functions.close() });

    // EventBridge's rules over the local bus: each matching event invokes its functions, retried as EventBridge would.
    const rules = eventRulesIn(stacks, awsEnvironment);
    const ruleTargets = new SQSClient({
      endpoint: sqsStore.url,
      region: localRegion,
      credentials: { accessKeyId: 'events', secretAccessKey: 'events' },
    });
    const unsubscribeRules = events.onEvent((event) => {
      const envelope = eventEnvelope(event, awsEnvironment);
      for (const rule of rules) {
        if (rule.eventBusName !== event.eventBusName || !matchesPattern(rule.pattern, envelope)) continue;
        for (const fn of rule.functionArns.map((arn) => catalog.byArn(arn)).filter((f) => f !== undefined)) {
          void invokeWithRetries(() => functions.invoke(fn, envelope), `[rule ${rule.name}] ${fn.name}`, log);
        }
        // EventBridge's own delivery into a queue: no function's role, so straight to the queue store.
        for (const name of rule.queueNames) {
          const send = () =>
            ruleTargets.send(
              new SendMessageCommand({
                QueueUrl: `${sqsStore.url}/${localAccountId}/${name}`,
                MessageBody: JSON.stringify(envelope),
              }),
            );
          void invokeWithRetries(send, `[rule ${rule.name}] ${name}`, log);
        }
      }
    });
    started.push({
      stop: async () => {
        unsubscribeRules();
        ruleTargets.destroy();
      },
    });
    const stepFunctions = await startStepFunctions({
      port: 0,
      stateDir: join(options.stateDir, 'step-functions'),
      projectRoot,
      ...awsEnvironment,
      queueUrl,
      stacks,
      catalog,
      functions,
      iam,
      eventLog: events,
      ...(options.stepFunctionsRetryIntervalMs === undefined
        ? {}
        : { retryIntervalMs: options.stepFunctionsRetryIntervalMs }),
      ...(options.stepFunctionsWaitMs === undefined ? {} : { waitMs: options.stepFunctionsWaitMs }),
      log,
    });
    started.push({ stop: () => stepFunctions.close() });
    endpoints.AWS_ENDPOINT_URL_SFN = stepFunctions.url;
    const scheduler = startLocalScheduler({
      schedules: stepFunctions.schedules,
      timed: options.runSchedules ?? false,
      start: (targetArn, input) => {
        // A function target is invoked asynchronously, as Scheduler's Lambda target does.
        const fn = catalog.byArn(targetArn);
        if (!fn) return void stepFunctions.service.start(targetArn, undefined, input);
        functions
          .invoke(fn, JSON.parse(input))
          .catch((error: unknown) => log(`[scheduler] ${fn.name}: ${String(error)}`));
      },
      log,
    });
    started.push(scheduler);

    // The live API (API Gateway WebSocket on AWS): the app connects on this origin at `/live`, as through CloudFront.
    const [liveApiDefinition] = webSocketApisIn(stacks, awsEnvironment);
    let live: LocalLiveApi | undefined;
    if (liveApiDefinition) {
      live = await startLiveApi({
        api: liveApiDefinition,
        iam,
        domainName: `localhost:${port}`,
        invoke: (functionArn, event) => {
          const fn = catalog.byArn(functionArn);
          if (!fn) throw new Error(`No function ${functionArn} for the live API.`);
          return functions.invoke(fn, event);
        },
        log,
      });
      const stopLive = live;
      started.push({ stop: () => stopLive.close() });
      endpoints.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI = live.managementUrl;
    }

    const buckets = platformBuckets.map((bucket) => ({
      ...bucket,
      name: physicalName(localStage, bucket.purpose),
    }));
    const objects = new ObjectStore(
      join(options.stateDir, 'objects'),
      buckets.map((bucket) => bucket.name),
    );

    // Lambda's SQS event source mappings: each polls with its function's role and invokes it.
    for (const source of catalog.eventSources) {
      const fn = catalog.byArn(source.functionArn);
      const name = source.queueArn.split(':').at(-1)!;
      const definition = queues.find((queue) => queue.name === name)?.definition;
      if (!fn || !definition)
        throw new Error(`The event source of ${source.functionArn} on ${name} has no local queue.`);
      const poller = startSqsPoller({
        endpoint: sqs.url,
        queueUrl: queueUrl(name),
        queueArn: source.queueArn,
        definition,
        credentials: credentials.forRole(fn.roleArn),
        concurrentBatches: Math.min(lambdaStartingBatches, source.maximumConcurrency ?? lambdaStartingBatches),
        handler: async (event) => (await functions.invoke(fn, event)) as SQSBatchResponse | undefined,
        onError: (error) => log(`[sqs ${name}] ${String(error)}`),
      });
      started.push(poller);
    }

    const gateway: LocalGateway = await startLocalGateway({
      port,
      host: options.public ? '0.0.0.0' : '127.0.0.1',
      projectRoot,
      webDir: join(projectRoot, 'web', 'dist'),
      mounts: {
        [issuerMountPath]: issuer.handle,
        [objectsMountPath]: s3Endpoint(objects, iam),
        [mailboxMountPath]: mailboxPage(messaging.mailbox),
        [pushServiceMountPath]: pushService(messaging.mailbox),
      },
      verifyToken: issuer.verifyToken,
      ...(live ? { upgrades: { [livePath]: live.upgrade } } : {}),
      ...(options.routeGroups ? { routes: options.routeGroups.flatMap((group) => group.routes) } : {}),
      invoke: (handlerModule, event) => {
        const fn = catalog.byEntry(handlerModule);
        if (!fn) throw new Error(`No function in the API stack runs ${handlerModule}.`);
        return functions.invoke(fn, event);
      },
      webConfig: {
        stage: localStage.name,
        authority: issuer.issuerUrl,
        clientId: issuer.clientId,
        redirectUri: issuer.redirectUri,
        postLogoutRedirectUri: issuer.postLogoutRedirectUri,
      },
    });
    started.push({ stop: () => gateway.close() });

    // This process is the operator's (the demo seed, tests, the workflow scripts): the operator's key, every
    // endpoint and resource name. Functions never run here, so none of them sees this.
    const environment: Record<string, string> = {
      CAMPUS_STAGE: localStage.name,
      CAMPUS_VERSION: projectVersion,
      ...localRuntimeSettings,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: operatorKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: operatorKey.secretAccessKey,
      ...endpoints,
      [userPoolVariable]: localUserPoolId,
      ...Object.fromEntries(buckets.map((bucket) => [bucket.variable, bucket.name])),
      ...Object.fromEntries(queues.map(({ name, definition }) => [definition.urlVariable, queueUrl(name)])),
      [shardGroupClustersVariable]: JSON.stringify(Object.fromEntries(shardGroups.map((g) => [g.id, g.resourceArn]))),
      ...stateMachineVariables(stepFunctions),
      [directoryCacheSecondsVariable]: String(stage.api.directoryCacheSeconds),
      [shardGroupsVariable]: JSON.stringify(
        Object.fromEntries(
          stage.shardGroups.map((group) => {
            const local = shardGroups.find((g) => g.id === group.id)!;
            return [
              group.id,
              { clusterArn: local.resourceArn, masterSecretArn: local.masterSecretArn, maxSchools: group.maxSchools },
            ];
          }),
        ),
      ),
    };
    Object.assign(process.env, environment);
    // Cognito's token trigger reads which school and integration a client serves; here the issuer does, as the operator.
    const integrationClients = new IntegrationClients(DynamoDBDocumentClient.from(new DynamoDBClient({})));
    issuer.setClientLookup((clientId) => integrationClients.read(clientId));

    // Where command-line tools (the AWS CLI, the workflow scripts) find this run's services.
    const endpointsFile = join(options.stateDir, 'endpoints.json');
    writeFileSync(
      endpointsFile,
      JSON.stringify(
        {
          web: gateway.url,
          dataApi: dataApi.url,
          dynamodb: dynamoDb.url,
          sqs: sqs.url,
          stepFunctions: stepFunctions.url,
          secretsManager: secretsManager.url,
          sts: sts.url,
          s3: endpoints.AWS_ENDPOINT_URL_S3,
          ses: messaging.sesUrl,
          sms: messaging.smsUrl,
          mailbox: `${gateway.url}${mailboxMountPath}`,
          ...(live
            ? { live: `${gateway.url.replace(/^http/, 'ws')}${livePath}`, liveManagement: live.managementUrl }
            : {}),
          region: localRegion,
          // What Cognito would have e-mailed: one JSON object a line (`{ to, temporaryPassword, time }`).
          invitations: join(options.stateDir, outboxFileName),
        },
        null,
        2,
      ),
    );
    started.push({ stop: async () => rmSync(endpointsFile, { force: true }) });

    return {
      url: gateway.url,
      stateDir: options.stateDir,
      dataApiUrl: dataApi.url,
      dynamoDbUrl: dynamoDb.url,
      sqsUrl: sqs.url,
      stepFunctions,
      scheduler,
      events,
      outbox,
      messaging,
      ...(live ? { live } : {}),
      shardGroups,
      secrets,
      issuer,
      functions: catalog,
      credentialsOf: (fn) => credentials.forRole(fn.roleArn),
      ...(firstRunSignIn ? { firstRunSignIn } : {}),
      environment,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
