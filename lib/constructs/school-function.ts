import { join } from 'node:path';
import { type CfnResource, Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ServiceName } from '../../lambdas/shared/telemetry-names';
import { type StageConfig, removalPolicyOf } from '../config';
import { projectRoot, projectVersion } from '../project';
import { retentionDays } from '../retention';
import { functionBundling, standardFontsCommand } from './function-bundling';

/** Template metadata naming a function's handler module, so the local platform can run the same code. */
export const handlerEntryMetadataKey = 'campus:entry';

export interface SchoolFunctionProps {
  readonly config: StageConfig;
  /** Handler module relative to the project root, e.g. `lambdas/api/health/get-health.handler.ts`. */
  readonly entry: string;
  /** Powertools service name: the bounded context, e.g. `campus-api`. */
  readonly serviceName: ServiceName;
  readonly description: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Extra variables; the platform's own (stage, version, Powertools) are always set. */
  readonly environment?: Record<string, string>;
}

/**
 * Every Lambda of the platform: arm64 on Node.js 22, bundled by esbuild as minified
 * CommonJS with source maps (see `functionBundling`: the runtime's AWS SDK v3, everything else
 * bundled), X-Ray tracing, its own log group with the stage's retention, and Powertools
 * configured from the stage.
 */
export class SchoolFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SchoolFunctionProps) {
    const { config } = props;
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: retentionDays(config.retention.logDays),
      removalPolicy: removalPolicyOf(config),
    });
    // Its own role: logs only to its own log group, instead of the broad AWSLambdaBasicExecutionRole.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.serviceName}: ${props.entry}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: join(projectRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: {
        CAMPUS_STAGE: config.name,
        CAMPUS_VERSION: projectVersion,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        target: functionBundling.target,
        minify: functionBundling.minify,
        sourceMap: true,
        externalModules: [...functionBundling.external],
        mainFields: [...functionBundling.mainFields],
        esbuildArgs: Object.fromEntries(
          Object.entries(functionBundling.alias).map(([module, path]) => [`--alias:${module}`, path]),
        ),
        define: { ...functionBundling.define },
        banner: functionBundling.banner,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [standardFontsCommand(outputDir)],
        },
      },
    });
    (this.node.defaultChild as CfnResource).addMetadata(handlerEntryMetadataKey, props.entry);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the Node.js line the local platform and every test run on, so what is tested is what runs; raise both together.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; the IAM invariant test fails on any other Resource * statement.',
    });
  }
}
