import { type App, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { servingRegion, type StageConfig, stagePrefix } from './config';
import { ApiRoutesStack, type ApiRoutesStackProps } from './stacks/api-routes.stack';
import { integrationRouteGroups, peopleRouteGroups } from '../lambdas/api/routes';
import { AuthApiStack } from './stacks/auth-api.stack';
import { BackupStack } from './stacks/backup.stack';
import { BatchStack } from './stacks/batch.stack';
import { DataStack } from './stacks/data.stack';
import { DrDatabaseStack } from './stacks/dr-database.stack';
import { DrStorageStack } from './stacks/dr-storage.stack';
import { FailoverDataStack } from './stacks/failover-data.stack';
import { LiveStack } from './stacks/live.stack';
import { MessagingStack } from './stacks/messaging.stack';
import { ObservabilityStack } from './stacks/observability.stack';
import { OnboardingStack } from './stacks/onboarding.stack';
import { WebStack } from './stacks/web.stack';
import { WebFirewallStack } from './stacks/web-firewall.stack';
import { drBackupVaultArn, drReplicaKeyAlias, stackName } from './naming';
import { handlerName } from '../lambdas/api/routes';
import {
  idempotencyTable,
  integrationCallsTable,
  integrationClientsTable,
  liveConnectionsTable,
  scoringRunsTable,
  tenantDirectoryTable,
} from '../lambdas/shared/tables';

export interface CampusCloudStacks {
  readonly config: StageConfig;
  readonly webFirewall: WebFirewallStack;
  readonly drStorage: DrStorageStack;
  /** The data stack, or the failover data stack while serving from the DR region. */
  readonly data: DataStack | FailoverDataStack;
  /** Only when a shard group enables Global Database. */
  readonly drDatabase?: DrDatabaseStack;
  readonly authApi: AuthApiStack;
  readonly web: WebStack;
  readonly batch: BatchStack;
  readonly apiRoutes: ApiRoutesStack;
  /** The routes of integrations' standards (OneRoster), with the first routes stack's authorizers. */
  readonly integrationApiRoutes: ApiRoutesStack;
  readonly onboarding: OnboardingStack;
  readonly backup: BackupStack;
  readonly messaging: MessagingStack;
  readonly live: LiveStack;
  readonly observability: ObservabilityStack;
}

/** Turns cdk-nag's AwsSolutions checks on for the whole app (once per app). */
export function enableNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Adds one stage's stacks to the app. Deployment order (enforced by references and
 * explicit dependencies): firewall and DR storage → data → DR database → auth & API →
 * web → API routes → backup, messaging → observability. With `activeRegion: 'dr'` the data stack
 * is replaced by the failover data stack and the application stacks move to the DR region.
 */
export function addStage(app: App, config: StageConfig): CampusCloudStacks {
  const prefix = stagePrefix(config);
  const failover = config.activeRegion === 'dr';
  const primary = { account: config.account, region: config.primaryRegion };
  const dr = { account: config.account, region: config.drRegion };
  // The application stacks follow the active region; their names stay, since stack names are per region.
  const serving = { account: config.account, region: servingRegion(config) };
  const description = (what: string) => `Campus Cloud ${config.name}: ${what}`;

  const webFirewall = new WebFirewallStack(app, `${prefix}-web-firewall`, {
    config,
    env: { account: config.account, region: 'us-east-1' },
    description: description('WAF web ACL for CloudFront (us-east-1)'),
  });
  const drStorage = new DrStorageStack(app, `${prefix}-dr-storage`, {
    config,
    env: dr,
    description: description('DR backup vault and bucket replicas'),
  });
  const globalGroups = config.shardGroups.filter((group) => group.globalDatabase);
  const drDatabase = (primaryData?: DataStack) => {
    if (globalGroups.length === 0) return undefined;
    const stack = new DrDatabaseStack(app, `${prefix}-dr-database`, {
      config,
      groups: globalGroups,
      network: drStorage.shardGroupNetwork,
      env: dr,
      description: description('Aurora Global Database secondaries'),
    });
    if (primaryData) stack.addStackDependency(primaryData, 'secondaries join the global clusters of the primaries');
    return stack;
  };

  let data: DataStack | FailoverDataStack;
  let secondaries: DrDatabaseStack | undefined;
  if (failover) {
    // Serving from the DR region: adopt what replication left there; the primary region's stacks are left alone.
    secondaries = drDatabase();
    data = new FailoverDataStack(app, `${prefix}-data-failover`, {
      config,
      replicaKey: drStorage.replicaKey,
      env: dr,
      description: description('data tier adopted in the DR region after a failover'),
    });
    if (secondaries) data.addStackDependency(secondaries, 'adopts the promoted secondaries');
  } else {
    const primaryData = new DataStack(app, `${prefix}-data`, {
      config,
      drReplicaKey: drStorage.replicaKey,
      env: primary,
      // Table and secret replicas are encrypted with the DR region's key.
      crossRegionReferences: true,
      description: description('network, shard groups, tables and buckets'),
    });
    primaryData.addStackDependency(drStorage, 'bucket replication, table and secret replicas target the DR region');
    secondaries = drDatabase(primaryData);
    data = primaryData;
  }

  const authApi = new AuthApiStack(app, `${prefix}-auth-api`, {
    config,
    integrationClients: data.tables[integrationClientsTable.logicalName]!,
    env: serving,
    description: description('Cognito user pool and HTTP API'),
  });
  const live = new LiveStack(app, `${prefix}-live`, {
    config,
    env: serving,
    connections: data.tables[liveConnectionsTable.logicalName]!,
    description: description('live updates of the web app (API Gateway WebSocket)'),
  });
  const web = new WebStack(app, `${prefix}-web`, {
    config,
    env: serving,
    crossRegionReferences: true,
    api: authApi.api,
    liveApi: live.api,
    userPool: authApi.userPool,
    hostedSignInDomain: authApi.hostedSignInDomain,
    webAclArn: webFirewall.webAcl.attrArn,
    description: description('web app on CloudFront'),
  });
  const messaging = new MessagingStack(app, `${prefix}-messaging`, {
    config,
    env: serving,
    description: description('e-mail (SES) and text messages (End User Messaging SMS)'),
  });
  const batch = new BatchStack(app, `${prefix}-batch`, {
    config,
    env: serving,
    data,
    messaging,
    live,
    appOrigin: web.webOrigin,
    tenantDirectory: data.tables[tenantDirectoryTable.logicalName]!,
    userPool: authApi.userPool,
    description: description('queues and their workers'),
  });
  const routesProps = {
    config,
    env: serving,
    api: authApi.api,
    issuerUrl: authApi.issuerUrl,
    clients: [web.webClient],
    tenantDataAccess: data.tenantDataAccess,
    tenantDirectory: data.tables[tenantDirectoryTable.logicalName]!,
    idempotencyTable: data.tables[idempotencyTable.logicalName]!,
    liveConnectionsTable: data.tables[liveConnectionsTable.logicalName]!,
    integrationClientsTable: data.tables[integrationClientsTable.logicalName]!,
    integrationCallsTable: data.tables[integrationCallsTable.logicalName]!,
    messaging,
    appOrigin: web.webOrigin,
    queue: (definition) => batch.queue(definition),
    exportsBucket: data.exportsBucket,
    exportsPolicies: data.exportsPolicies,
    reportsBucket: data.reportsBucket,
    reportsPolicies: data.reportsPolicies,
    scoringRun: batch.scoringRun.stateMachine,
    scoringRunsTable: data.tables[scoringRunsTable.logicalName]!,
    userPool: authApi.userPool,
    shardGroups: data.shardGroups,
  } satisfies Omit<ApiRoutesStackProps, 'description'>;
  const apiRoutes = new ApiRoutesStack(app, stackName(config, 'api-routes'), {
    ...routesProps,
    routeGroups: peopleRouteGroups,
    description: description('HTTP API routes and handlers from the route manifest'),
  });
  // Named under api-routes-*, which the tenant role trusts, as the first routes stack's roles are.
  const integrationApiRoutes = new ApiRoutesStack(app, stackName(config, 'api-routes-integrations'), {
    ...routesProps,
    routeGroups: integrationRouteGroups,
    authorizersOf: apiRoutes,
    description: description("HTTP API routes of integrations' standards (OneRoster) and their handlers"),
  });
  const onboarding = new OnboardingStack(app, `${prefix}-onboarding`, {
    config,
    env: serving,
    shardGroups: data.shardGroups,
    tenantDirectory: data.tables[tenantDirectoryTable.logicalName]!,
    schoolSecretsKey: data.schoolSecretsKey,
    // School secrets are replicated to the DR region, unless this is it.
    ...(failover ? {} : { secretsReplica: { region: config.drRegion, keyAlias: drReplicaKeyAlias(config) } }),
    userPool: authApi.userPool,
    exportsBucket: data.exportsBucket,
    exportsPolicies: data.exportsPolicies,
    description: description('school lifecycle workflows: onboarding, offboarding, fleet migration, moves'),
  });
  const backup = new BackupStack(app, `${prefix}-backup`, {
    config,
    data,
    // While serving from the DR region the other region is the lost one: nothing to copy into.
    ...(failover ? {} : { copyToVaultArn: drBackupVaultArn(config) }),
    env: serving,
    description: description('AWS Backup plans, vault and restore tests'),
  });
  backup.addStackDependency(drStorage, 'snapshots are copied into the DR vault');
  const observability = new ObservabilityStack(app, `${prefix}-observability`, {
    config,
    env: serving,
    api: authApi.api,
    shardGroups: data.shardGroups,
    description: description('dashboard and alarms'),
  });
  observability.monitorFunction('token-claims', authApi.tokenClaimsFunction);
  for (const routes of [apiRoutes, integrationApiRoutes]) {
    for (const [handler, fn] of routes.functions) observability.monitorFunction(handlerName(handler), fn);
  }
  for (const [name, fn] of Object.entries(onboarding.stepFunctions)) observability.monitorFunction(name, fn);
  for (const [name, { definition, worker, queue, deadLetterQueue }] of batch.queues) {
    observability.monitorFunction(handlerName(definition.handler), worker);
    observability.monitorDeadLetterQueue(name, deadLetterQueue);
    observability.monitorQueueAge(name, queue, definition.maxAgeSeconds);
  }
  observability.monitorFunction('scoring.scoring-steps', batch.scoringSteps);
  observability.monitorFunction('notifications.live-connections', live.connectionsFunction);
  observability.monitorStateMachine('scoring-run', batch.scoringRun.stateMachine);
  observability.monitorEmailReputation(config.messaging);

  const stacks: CampusCloudStacks = {
    config,
    webFirewall,
    drStorage,
    data,
    ...(secondaries ? { drDatabase: secondaries } : {}),
    authApi,
    web,
    batch,
    apiRoutes,
    integrationApiRoutes,
    onboarding,
    backup,
    messaging,
    live,
    observability,
  };
  for (const stack of Object.values(stacks)) {
    if (!(stack instanceof Stack)) continue;
    // Stack tags too: CloudFormation puts them on every resource it creates, CDK's own providers included.
    Tags.of(stack).add('project', 'campus-cloud');
    Tags.of(stack).add('stage', config.name);
  }
  return stacks;
}
