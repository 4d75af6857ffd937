import { Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AccountRecovery,
  FeaturePlan,
  LambdaVersion,
  ResourceServerScope,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolDomain,
  UserPoolGroup,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  campusScopeServer,
  type IntegrationScopeName,
  integrationScopeNames,
  oneRosterScopeServer,
  scopeServerOf,
} from '../../lambdas/shared/integration-scopes';
import { passwordPolicy } from '../../lambdas/shared/password-policy';
import { mfaRequiredRoles, roles } from '../../lambdas/shared/roles';
import { type StageConfig, stagePrefix, removalPolicyOf } from '../config';
import { SchoolFunction } from '../constructs/school-function';
import { retentionDays } from '../retention';
import { serviceNames } from '../../lambdas/shared/telemetry-names';

export interface AuthApiStackProps extends StackProps {
  readonly config: StageConfig;
  /** Integrations' OAuth clients: the token trigger reads which school and integration a client serves. */
  readonly integrationClients: ITableV2;
}

const scopeDescriptions: Record<IntegrationScopeName, string> = {
  'roster-core.readonly': 'OneRoster rostering, core: orgs, sessions, courses, classes, users, enrollments',
  'roster.readonly': 'OneRoster rostering, all of it',
  'gradebook.readonly': 'OneRoster gradebook: categories, line items, results, score scales',
  'gradebook.createput': "OneRoster gradebook: send results into the school's gradebook",
  'webhooks.manage': "Campus Cloud: subscribe to the school's events",
};

const roleDescriptions: Record<(typeof roles)[number], string> = {
  'platform-operator': 'Runs the platform: onboarding, offboarding, fleet operations. MFA required.',
  'school-admin': 'Administers one school: settings, people, staff, imports, audit.',
  teacher: 'Teaches classes: attendance, scores, class analytics.',
  bursar: 'Runs a school’s fees: invoices, payments, balances.',
  guardian: 'Sees only the students linked to them.',
};

/**
 * Who may sign in and the HTTP API they call: the Cognito user pool with one group per
 * role, and the HTTP API with its stage (throttling, access logs, CORS). The API's
 * routes and authorizer are in the routes stack, deployed after the web stack, because
 * the SPA's app client needs the web app's address.
 */
export class AuthApiStack extends Stack {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly tokenClaimsFunction: SchoolFunction;

  constructor(scope: Construct, id: string, props: AuthApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `${stagePrefix(config)}-users`,
      // Schools invite their staff and guardians; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: { school_id: new StringAttribute({ mutable: false, minLen: 1, maxLen: 64 }) },
      passwordPolicy: {
        ...passwordPolicy,
        tempPasswordValidity: Duration.days(3),
      },
      // Optional for schools; the token trigger withholds operator rights from anyone without MFA.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: config.protectData,
      removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional for school staff and guardians by product decision; platform operators get their role only with MFA enabled (token-claims trigger).',
    });
    roles.forEach((role, precedence) => {
      new UserPoolGroup(this, `Group-${role}`, {
        userPool: this.userPool,
        groupName: role,
        description: roleDescriptions[role],
        precedence,
      });
    });

    this.tokenClaimsFunction = new SchoolFunction(this, 'TokenClaims', {
      config,
      entry: 'lambdas/auth/token-claims.handler.ts',
      serviceName: serviceNames.auth,
      description: `Shapes tokens: ${mfaRequiredRoles.join(', ')} only with MFA; school id in the access token`,
      timeout: Duration.seconds(5),
    });
    // Version 3: the trigger shapes integrations' client-credentials tokens too (their school and integration).
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.tokenClaimsFunction,
      LambdaVersion.V3_0,
    );
    this.tokenClaimsFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.integrationClients.tableArn] }),
    );
    props.integrationClients.encryptionKey?.grantDecrypt(this.tokenClaimsFunction);
    // The scopes integrations' clients may be given: OneRoster 1.2's, named as the spec names them, and the platform's.
    for (const server of [oneRosterScopeServer, campusScopeServer]) {
      this.userPool.addResourceServer(server === oneRosterScopeServer ? 'OneRosterScopes' : 'CampusScopes', {
        identifier: server,
        userPoolResourceServerName: server === oneRosterScopeServer ? 'OneRoster 1.2' : 'Campus Cloud',
        scopes: integrationScopeNames
          .filter((name) => scopeServerOf(name) === server)
          .map((name) => new ResourceServerScope({ scopeName: name, scopeDescription: scopeDescriptions[name] })),
      });
    }
    // A separate policy: the function's default policy naming the pool would make the pool depend on itself.
    new Policy(this, 'TokenClaimsReadsUsers', {
      roles: [this.tokenClaimsFunction.role!],
      statements: [
        new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [this.userPool.userPoolArn] }),
      ],
    });

    this.domain = this.userPool.addDomain('HostedSignIn', {
      cognitoDomain: { domainPrefix: config.auth.domainPrefix },
    });

    const webOrigin = config.web.domainName ? `https://${config.web.domainName}` : undefined;
    this.api = new HttpApi(this, 'Api', {
      apiName: `${stagePrefix(config)}-api`,
      description: 'Campus Cloud HTTP API, reached through CloudFront at /api/*',
      createDefaultStage: false,
      // Without a custom domain the app calls the API on its own CloudFront origin, so no CORS is needed at all.
      ...(webOrigin
        ? {
            corsPreflight: {
              allowOrigins: [webOrigin],
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: retentionDays(config.retention.logDays),
      removalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });
  }

  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the issuer of every token. */
  get issuerUrl(): string {
    return `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** Host of the hosted sign-in pages. */
  get hostedSignInDomain(): string {
    return `${this.domain.domainName}.auth.${this.region}.amazoncognito.com`;
  }
}
