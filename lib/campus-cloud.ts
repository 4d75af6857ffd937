import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type StageConfig, stagePrefix } from './config';
import { ApiRoutesStack } from './stacks/api-routes.stack';
import { AuthApiStack } from './stacks/auth-api.stack';
import { BackupStack } from './stacks/backup.stack';
import { DataStack } from './stacks/data.stack';
import { DrDatabaseStack } from './stacks/dr-database.stack';
import { DrStorageStack } from './stacks/dr-storage.stack';
import { ObservabilityStack } from './stacks/observability.stack';
import { WebStack } from './stacks/web.stack';
import { WebFirewallStack } from './stacks/web-firewall.stack';
import { stackName } from './naming';
import { handlerName } from '../lambdas/api/routes';

export interface CampusCloudStacks {
  readonly config: StageConfig;
  readonly webFirewall: WebFirewallStack;
  readonly drStorage: DrStorageStack;
  readonly data: DataStack;
  /** Only when a shard group enables Global Database. */
  readonly drDatabase?: DrDatabaseStack;
  readonly authApi: AuthApiStack;
  readonly web: WebStack;
  readonly apiRoutes: ApiRoutesStack;
  readonly backup: BackupStack;
  readonly observability: ObservabilityStack;
}

/** Turns cdk-nag's AwsSolutions checks on for the whole app (once per app). */
export function enableNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Adds one stage's stacks to the app. Deployment order (enforced by references and
 * explicit dependencies): firewall and DR storage → data → DR database → auth & API →
 * web → API routes → backup → observability.
 */
export function addStage(app: App, config: StageConfig): CampusCloudStacks {
  const prefix = stagePrefix(config);
  const primary = { account: config.account, region: config.primaryRegion };
  const dr = { account: config.account, region: config.drRegion };
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
  const data = new DataStack(app, `${prefix}-data`, {
    config,
    env: primary,
    description: description('network, shard groups, tables and buckets'),
  });
  data.addStackDependency(drStorage, 'bucket replication targets the DR replicas');

  const globalGroups = config.shardGroups.filter((group) => group.globalDatabase);
  const drDatabase =
    globalGroups.length > 0
      ? new DrDatabaseStack(app, `${prefix}-dr-database`, {
          config,
          groups: globalGroups,
          env: dr,
          description: description('Aurora Global Database secondaries'),
        })
      : undefined;
  drDatabase?.addStackDependency(data, 'secondaries join the global clusters made from the primaries');

  const authApi = new AuthApiStack(app, `${prefix}-auth-api`, {
    config,
    env: primary,
    description: description('Cognito user pool and HTTP API'),
  });
  const web = new WebStack(app, `${prefix}-web`, {
    config,
    env: primary,
    crossRegionReferences: true,
    api: authApi.api,
    userPool: authApi.userPool,
    hostedSignInDomain: authApi.hostedSignInDomain,
    webAclArn: webFirewall.webAcl.attrArn,
    description: description('web app on CloudFront'),
  });
  const apiRoutes = new ApiRoutesStack(app, stackName(config, 'api-routes'), {
    config,
    env: primary,
    api: authApi.api,
    issuerUrl: authApi.issuerUrl,
    clients: [web.webClient],
    tenantDataAccess: data.tenantDataAccess,
    description: description('HTTP API routes and handlers from the route manifest'),
  });
  const backup = new BackupStack(app, `${prefix}-backup`, {
    config,
    data,
    env: primary,
    description: description('AWS Backup plan, vault and restore tests'),
  });
  backup.addStackDependency(drStorage, 'daily snapshots are copied into the DR vault');
  const observability = new ObservabilityStack(app, `${prefix}-observability`, {
    config,
    env: primary,
    api: authApi.api,
    shardGroups: data.shardGroups,
    description: description('dashboard and alarms'),
  });
  observability.monitorFunction('token-claims', authApi.tokenClaimsFunction);
  for (const [handler, fn] of apiRoutes.functions) observability.monitorFunction(handlerName(handler), fn);

  const stacks = [webFirewall, drStorage, data, drDatabase, authApi, web, apiRoutes, backup, observability];
  for (const stack of stacks) {
    if (!stack) continue;
    Tags.of(stack).add('project', 'campus-cloud');
    Tags.of(stack).add('stage', config.name);
  }
  return { config, webFirewall, drStorage, data, drDatabase, authApi, web, apiRoutes, backup, observability };
}
