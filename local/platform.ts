import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  directoryCacheSecondsVariable,
  onboardingArnVariable,
  scoringRunArnVariable,
} from '../lambdas/shared/platform-variables';
import { shardGroupClustersVariable, shardGroupsVariable } from '../lambdas/shared/runtime';
import { platformBuckets } from '../lambdas/shared/buckets';
import { userPoolVariable } from '../lambdas/shared/user-directory';
import { platformQueues } from '../lambdas/shared/queues';
import { platformTables, tenantDirectoryTable } from '../lambdas/shared/tables';
import { type HealthTargets, healthTargetsVariable } from '../lambdas/api/health/component-checks';
import { stagePrefix } from '../lib/config';
import { physicalName } from '../lib/naming';
import { projectRoot, projectVersion } from '../lib/project';
import { type DataApiLimits, type DataApiServer, startDataApi } from './data-api/data-api-server';
import { SecretStore } from './secrets/secret-store';
import { startSecretsManager } from './secrets/secrets-manager-server';
import { startDynamoDb } from './dynamodb/dynamodb-server';
import { LocalEventLog } from './events/event-log';
import { loadHandler } from './handler-module';
import { InvitationOutbox, outboxFileName } from './issuer/outbox';
import { type LocalGateway, startLocalGateway } from './gateway/local-gateway';
import { ObjectStore } from './objects/object-store';
import { objectsMountPath, s3Endpoint } from './objects/s3-endpoint';
import { localAccessKey } from './access-key';
import { localUserPoolId, startCognitoAdmin } from './issuer/cognito-admin-server';
import { createLocalIssuer, issuerMountPath, type LocalIssuer } from './issuer/local-issuer';
import { localClusterArn, localStage, localStageWith } from './local-stage';
import { freePort } from './ports';
import { PostgresServer } from './postgres/postgres-server';
import { type SqsHandler, startSqsPoller } from './sqs/sqs-poller';
import { localAccountId, localRegion, startSqs } from './sqs/sqs-server';
import { type LocalScheduler, startLocalScheduler } from './scheduler/local-scheduler';
import { type LocalStepFunctions, startStepFunctions } from './step-functions/local-step-functions';
import type { WorkflowStacks } from './step-functions/workflow-templates';
import { platformWorkflowStacks } from './workflows/platform-workflows';

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
  /**
   * Adds the stacks whose state machines the local Step Functions runs, synthesized
   * in-process from the same CDK code as on AWS; `null` runs none.
   * @default the platform's own workflow stacks (onboarding)
   */
  readonly workflowStacks?: WorkflowStacks | null;
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
  readonly shardGroups: readonly LocalShardGroup[];
  readonly secrets: SecretStore;
  /** The local OpenID Connect issuer and its users (Cognito's part on AWS). */
  readonly issuer: LocalIssuer;
  /** Set on the run that created the state: the platform operator's sign-in, shown once. */
  readonly firstRunSignIn?: { readonly username: string; readonly password: string };
  /** Environment the handlers run with: the Lambda variables plus local endpoints. */
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
      const secretName = `campus-local/shard-groups/${group.id}/master`;
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

    const dynamoDb = await startDynamoDb({
      port: 0,
      path: join(options.stateDir, 'dynamodb'),
      tables: platformTables.map((definition) => ({
        name: physicalName(localStage, definition.logicalName),
        definition,
      })),
    });
    started.push({ stop: () => dynamoDb.close() });

    const queues = platformQueues.map((definition) => ({
      name: physicalName(localStage, definition.logicalName),
      definition,
    }));
    const sqs = await startSqs({ port: 0, queues });
    started.push({ stop: () => sqs.close() });

    const secretsManager = await startSecretsManager({ store: secrets, port: 0 });
    started.push({ stop: () => secretsManager.close() });

    const dataApi: DataApiServer = await startDataApi({
      port: 0,
      clusters: shardGroups.map((group) => ({ resourceArn: group.resourceArn, port: group.postgres.port })),
      secrets,
      ...(options.dataApiLimits ? { limits: options.dataApiLimits } : {}),
    });
    started.push({ stop: () => dataApi.close() });

    const events = new LocalEventLog(join(options.stateDir, 'events.jsonl'), log);
    const outbox = new InvitationOutbox(join(options.stateDir, outboxFileName));
    const stage =
      options.directoryCacheSeconds === undefined
        ? localStage
        : localStageWith({ directoryCacheSeconds: options.directoryCacheSeconds });
    const workflowStacks =
      options.workflowStacks === undefined ? platformWorkflowStacks(stage) : options.workflowStacks;
    const stepFunctions = await startStepFunctions({
      port: 0,
      stateDir: join(options.stateDir, 'step-functions'),
      projectRoot,
      accountId: localAccountId,
      region: localRegion,
      queueUrl: (name) => sqs.queueUrl(name),
      ...(workflowStacks ? { workflowStacks } : {}),
      eventLog: events,
      ...(options.stepFunctionsRetryIntervalMs === undefined
        ? {}
        : { retryIntervalMs: options.stepFunctionsRetryIntervalMs }),
      ...(options.stepFunctionsWaitMs === undefined ? {} : { waitMs: options.stepFunctionsWaitMs }),
      log,
    });
    started.push({ stop: () => stepFunctions.close() });
    const scheduler = startLocalScheduler({
      schedules: stepFunctions.schedules,
      timed: options.runSchedules ?? false,
      start: (targetArn, input) => stepFunctions.service.start(targetArn, undefined, input),
      log,
    });
    started.push(scheduler);

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

    // The handlers' AWS credentials: the object store checks signatures with their secret.
    const accessKey = localAccessKey(options.stateDir);
    const cognitoAdmin = await startCognitoAdmin({ users: issuer.users, port: 0, log, outbox });
    started.push({ stop: () => cognitoAdmin.close() });

    const buckets = platformBuckets.map((bucket) => ({
      ...bucket,
      name: physicalName(localStage, bucket.purpose),
    }));
    const objects = new ObjectStore(
      join(options.stateDir, 'objects'),
      buckets.map((bucket) => bucket.name),
    );

    // The variables SchoolFunction sets on AWS, with local values; the SDK reads the endpoint variable itself.
    const environment: Record<string, string> = {
      CAMPUS_STAGE: localStage.name,
      CAMPUS_VERSION: projectVersion,
      POWERTOOLS_SERVICE_NAME: 'campus-api',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      POWERTOOLS_TRACE_ENABLED: 'false',
      // With tracing off, the X-Ray SDK's automatic mode would still install a process-wide
      // async hook (cls-hooked) that every promise of every handler in this one process pays for.
      AWS_XRAY_MANUAL_MODE: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: accessKey.accessKeyId,
      AWS_SECRET_ACCESS_KEY: accessKey.secretAccessKey,
      AWS_ENDPOINT_URL_RDS_DATA: dataApi.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SFN: stepFunctions.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoAdmin.url,
      [userPoolVariable]: localUserPoolId,
      // Same origin as the app, so signed links open in the browser.
      AWS_ENDPOINT_URL_S3: `http://localhost:${port}${objectsMountPath}`,
      ...Object.fromEntries(buckets.map((bucket) => [bucket.variable, bucket.name])),
      ...Object.fromEntries(queues.map(({ name, definition }) => [definition.urlVariable, sqs.queueUrl(name)])),
      // Locally every component is probed, the shard groups with their master secrets.
      [healthTargetsVariable]: JSON.stringify({
        tenantTable: physicalName(localStage, tenantDirectoryTable.logicalName),
        bucket: buckets[0]!.name,
        queuePrefix: `${stagePrefix(localStage)}-`,
        stateMachines: true,
        shardGroups: Object.fromEntries(
          shardGroups.map((group) => [group.id, { resourceArn: group.resourceArn, secretArn: group.masterSecretArn }]),
        ),
      } satisfies HealthTargets),
      [shardGroupClustersVariable]: JSON.stringify(Object.fromEntries(shardGroups.map((g) => [g.id, g.resourceArn]))),
      ...stateMachineVariables(stepFunctions),
      [directoryCacheSecondsVariable]: String(stage.api.directoryCacheSeconds),
      [shardGroupsVariable]: JSON.stringify(
        Object.fromEntries(
          shardGroups.map((g) => [
            g.id,
            {
              clusterArn: g.resourceArn,
              masterSecretArn: g.masterSecretArn,
              maxSchools:
                options.shardGroupCapacity ?? localStage.shardGroups.find((group) => group.id === g.id)!.maxSchools,
            },
          ]),
        ),
      ),
    };
    // Handlers run in this process, as on Lambda they run in theirs.
    Object.assign(process.env, environment);

    // Lambda's event source mappings: one poller per queue, into the queue's handler.
    for (const { name, definition } of queues) {
      const poller = startSqsPoller({
        endpoint: sqs.url,
        queueUrl: sqs.queueUrl(name),
        queueArn: sqs.queueArn(name),
        definition,
        handler: await loadHandler<SqsHandler>(projectRoot, definition.handler),
        onError: (error) => log(`[sqs ${name}] ${String(error)}`),
      });
      started.push(poller);
    }

    const gateway: LocalGateway = await startLocalGateway({
      port,
      host: options.public ? '0.0.0.0' : '127.0.0.1',
      projectRoot,
      webDir: join(projectRoot, 'web', 'dist'),
      mounts: { [issuerMountPath]: issuer.handle, [objectsMountPath]: s3Endpoint(objects, accessKey) },
      verifyToken: issuer.verifyToken,
      webConfig: {
        stage: localStage.name,
        authority: issuer.issuerUrl,
        clientId: issuer.clientId,
        redirectUri: issuer.redirectUri,
        postLogoutRedirectUri: issuer.postLogoutRedirectUri,
      },
    });
    started.push({ stop: () => gateway.close() });

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
          s3: environment.AWS_ENDPOINT_URL_S3,
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
      shardGroups,
      secrets,
      issuer,
      ...(firstRunSignIn ? { firstRunSignIn } : {}),
      environment,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
