import { webContentSecurityPolicy } from '../edge/content-security-policy';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { HttpApi, IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as EdgeFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  Signing,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { OAuthScope, type UserPool, UserPoolClient, UserPoolClientIdentityProvider } from 'aws-cdk-lib/aws-cognito';
import { type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { type StageConfig, removalPolicyOf, stagePrefix } from '../config';
import { accessLogsBucket, SecureBucket } from '../constructs/secure-bucket';
import { acknowledgeBucketDeployment } from '../nag';
import { projectRoot } from '../project';
import { livePath } from '../../lambdas/shared/platform-variables';
import { apiVersionHeader, currentApiVersion } from '../../lambdas/api/api-versions';
import { routes } from '../../lambdas/api/routes';
import { apiVersionAliasSource } from '../edge/api-version-alias-source';

export interface WebStackProps extends StackProps {
  readonly config: StageConfig;
  readonly api: HttpApi;
  /** The live API (WebSocket), served at `/live` on the app's own origin. */
  readonly liveApi: IWebSocketApi;
  readonly userPool: UserPool;
  /** Host of the Cognito hosted sign-in pages, for the CSP and the app's config. */
  readonly hostedSignInDomain: string;
  /** ARN of the web ACL from the us-east-1 firewall stack. */
  readonly webAclArn: string;
}

/** Where `npm run build:web` writes the web app; the stack deploys it as it is. */
export const webDistDir = join(projectRoot, 'web', 'dist');

/**
 * The web app: a private bucket served by CloudFront through Origin Access Control, the
 * `/api/*` behaviour to the HTTP API, WAF, security headers, and the SPA's Cognito app
 * client (authorization code + PKCE, no secret), whose callback is this distribution.
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly webClient: UserPoolClient;
  /** `https://…` where schools open the app. */
  readonly webOrigin: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (!existsSync(join(webDistDir, 'index.html'))) {
      throw new Error(
        `The web app is not built: ${webDistDir}/index.html is missing. Run \`npm run build:web\` first.`,
      );
    }
    const removalPolicy = removalPolicyOf(config);

    const logs = accessLogsBucket(this, 'Logs', {
      removalPolicy,
      expireAfterDays: config.retention.accessLogDays,
      logsFrom: 'the site bucket and CloudFront',
      // CloudFront standard logging writes with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    });
    const site = new SecureBucket(this, 'Site', {
      removalPolicy: RemovalPolicy.DESTROY,
      accessLogs: { bucket: logs, prefix: 's3-site/' },
      noncurrentVersionDays: 7,
    }).bucket;

    const region = this.region;
    const hostedSignIn = `https://${props.hostedSignInDomain}`;
    // CloudFront names are account-wide: the region keeps a failover deployment's apart.
    const cloudFrontName = (what: string) => `${stagePrefix(config)}-${what}-${region}`;
    const securityHeadersBehavior = {
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(730),
        includeSubdomains: true,
        preload: true,
        override: true,
      },
      contentSecurityPolicy: {
        contentSecurityPolicy: webContentSecurityPolicy({
          connectTo: [`https://cognito-idp.${region}.amazonaws.com`, hostedSignIn],
          formActionTo: [hostedSignIn],
          upgradeInsecureRequests: true,
        }),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
    };
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: cloudFrontName('security-headers'),
      comment: 'Campus Cloud security headers',
      securityHeadersBehavior,
    });
    // The API's answers carry the version that answered; this names it on those the API Gateway gives itself (a 401).
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      responseHeadersPolicyName: cloudFrontName('api-headers'),
      comment: 'Campus Cloud security headers and API version',
      securityHeadersBehavior,
      customHeadersBehavior: {
        customHeaders: [{ header: apiVersionHeader, value: currentApiVersion, override: false }],
      },
    });
    const apiVersionAlias = new EdgeFunction(this, 'ApiVersionAlias', {
      comment: 'Serve the unversioned API paths as their v1 alias',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(apiVersionAliasSource(projectRoot, routes)),
    });

    const spaFallback = new EdgeFunction(this, 'SpaFallback', {
      comment: 'Serve index.html for app routes',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromFile({ filePath: join(projectRoot, 'lib', 'edge', 'spa-fallback.js') }),
    });
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${region}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    // WebSockets pass through CloudFront; `/live` is the live API's stage path, so the origin needs no path.
    const liveOrigin = new HttpOrigin(`${props.liveApi.apiId}.execute-api.${region}.amazonaws.com`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const customDomain =
      config.web.domainName && config.web.certificateArn
        ? {
            domainNames: [config.web.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', config.web.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Campus Cloud ${config.name}`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...customDomain,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site, {
          originAccessControl: new S3OriginAccessControl(this, 'SiteAccess', {
            originAccessControlName: cloudFrontName('site'),
            signing: Signing.SIGV4_ALWAYS,
          }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
          functionAssociations: [{ function: apiVersionAlias, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        // OneRoster 1.2 (REST binding) at the paths the standard gives it: versioned by its paths, so no alias, no version header.
        '/ims/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
        [livePath]: {
          origin: liveOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // The ticket is in the query string; the WebSocket handshake headers go through as the viewer sent them.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
    });
    if (!config.web.domainName && config.protectData) {
      Annotations.of(this.distribution).addWarningV2(
        'campus:web:default-certificate',
        `Stage ${config.name} protects data but has no web.domainName: CloudFront's default certificate still accepts TLS 1.0. Set web.domainName and web.certificateArn before going live.`,
      );
    }
    if (!config.web.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; set web.domainName and web.certificateArn to enforce TLS 1.2.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Schools and guardians may use the app from any country; access is controlled by sign-in, not geography.',
    });

    this.webOrigin = config.web.domainName
      ? `https://${config.web.domainName}`
      : `https://${this.distribution.distributionDomainName}`;

    this.webClient = new UserPoolClient(this, 'WebAppClient', {
      userPool: props.userPool,
      userPoolClientName: 'web-app',
      generateSecret: false,
      authFlows: { userSrp: true },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${this.webOrigin}/auth/callback`],
        logoutUrls: [`${this.webOrigin}/`],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    const deployment = new BucketDeployment(this, 'DeployWebApp', {
      sources: [
        Source.asset(webDistDir),
        // Read by the app at start-up: the same build runs against any stage.
        Source.jsonData('config.json', {
          stage: config.name,
          region,
          userPoolId: props.userPool.userPoolId,
          // The OpenID Connect issuer: the same field the local platform's config.json carries.
          authority: `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
          clientId: this.webClient.userPoolClientId,
          signInDomain: props.hostedSignInDomain,
          redirectUri: `${this.webOrigin}/auth/callback`,
          postLogoutRedirectUri: `${this.webOrigin}/`,
        }),
      ],
      destinationBucket: site,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });
    acknowledgeBucketDeployment(this, site.node.defaultChild as CfnBucket);
    void deployment;
  }
}
