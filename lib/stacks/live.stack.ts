import { ArnFormat, type CfnElement, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { liveCallbackUrlVariable, livePath } from '../../lambdas/shared/platform-variables';
import { serviceNames } from '../../lambdas/shared/telemetry-names';
import { type StageConfig, removalPolicyOf } from '../config';
import { SchoolFunction } from '../constructs/school-function';
import { physicalName } from '../naming';
import { acknowledgeWildcards, nagAccountOf } from '../nag';
import { retentionDays } from '../retention';

/** The stage of the live API, so that `https://<app>/live` (CloudFront's behaviour) is its URL path. */
export const liveStageName = livePath.slice(1);

export interface LiveStackProps extends StackProps {
  readonly config: StageConfig;
  /** Open connections and tickets (the data stack's live connections table). */
  readonly connections: ITableV2;
}

/** What a function that tells open apps about new messages is given. */
export interface LiveUpdates {
  /** Reads the school's open connections, posts to them and forgets those that have gone. */
  grantPush(fn: LambdaFunction): void;
}

/**
 * The live API: an API Gateway WebSocket API whose connections carry "your inbox has a new
 * message" to the web app while it is open. One function serves `$connect` (which accepts only a
 * one-use ticket the HTTP API issued to a signed-in person), `$disconnect` and `$default` (pings).
 * The web app reaches it on its own origin at `/live` through CloudFront, so the stage is named so.
 */
export class LiveStack extends Stack implements LiveUpdates {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly connectionsFunction: SchoolFunction;
  /** What a pushing function is given (a policy of this stack, so its ARNs name the API directly). */
  readonly pushPolicy: ManagedPolicy;
  private readonly connections: ITableV2;

  constructor(scope: Construct, id: string, props: LiveStackProps) {
    super(scope, id, props);
    const { config, connections } = props;
    this.connections = connections;

    this.connectionsFunction = new SchoolFunction(this, 'live-connections', {
      config,
      entry: 'lambdas/notifications/live-connections.handler.ts',
      serviceName: serviceNames.batch,
      description: 'Opens (with a ticket), closes and keeps alive the web app’s live connections',
      timeout: Duration.seconds(5),
      memorySize: 256,
    });
    // Tickets are used up by a conditional delete; connections are put and deleted by key. No reads, no scans.
    this.connectionsFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], resources: [connections.tableArn] }),
    );
    connections.encryptionKey?.grant(this.connectionsFunction, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');

    const integration = (name: string) => new WebSocketLambdaIntegration(name, this.connectionsFunction);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: physicalName(config, 'live'),
      description: `Campus Cloud ${config.name}: live updates of the web app`,
      connectRouteOptions: { integration: integration('ConnectIntegration') },
      disconnectRouteOptions: { integration: integration('DisconnectIntegration') },
      // The pong goes back to the app: a route response makes the route two-way.
      defaultRouteOptions: { integration: integration('MessageIntegration'), returnResponse: true },
    });
    for (const route of ['$connect', '$disconnect', '$default']) {
      const child = this.api.node.tryFindChild(`${route}-Route`);
      if (child) {
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'WebSocket APIs take only Lambda REQUEST authorizers; $connect accepts a connection only with a one-use, one-minute ticket the JWT-authorized HTTP API issued, and the other routes exist only on connections it accepted.',
        });
      }
    }

    this.pushPolicy = new ManagedPolicy(this, 'PushPolicy', {
      description:
        'Tell open web apps of new messages: the school index of connections, forgetting gone ones, posting to them',
      statements: [
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${connections.tableArn}/index/bySchool`] }),
        new PolicyStatement({ actions: ['dynamodb:DeleteItem'], resources: [connections.tableArn] }),
        new PolicyStatement({
          actions: ['execute-api:ManageConnections'],
          resources: [
            this.formatArn({
              service: 'execute-api',
              resource: this.api.apiId,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
              resourceName: `${liveStageName}/POST/@connections/*`,
            }),
          ],
        }),
      ],
    });
    acknowledgeWildcards(
      this.pushPolicy,
      {
        resources: [
          `arn:aws:execute-api:${this.region}:${nagAccountOf(this)}:<${this.getLogicalId(this.api.node.defaultChild as CfnElement)}>/${liveStageName}/POST/@connections/*`,
        ],
      },
      'Connection ids are made by API Gateway as apps connect: posting is allowed to any connection of this API’s stage, nothing else.',
    );

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: retentionDays(config.retention.logDays),
      removalPolicy: removalPolicyOf(config),
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: liveStageName,
      autoDeploy: true,
      // A connection is opened per open app and pings every few minutes: far below the HTTP API's rates.
      throttle: { rateLimit: Math.max(10, Math.floor(config.api.throttleRateLimit / 10)), burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            requestTime: '$context.requestTime',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  grantPush(fn: LambdaFunction): void {
    fn.role!.addManagedPolicy(this.pushPolicy);
    this.connections.encryptionKey?.grantDecrypt(fn);
    fn.addEnvironment(liveCallbackUrlVariable, this.stage.callbackUrl);
  }
}
