import { type CfnElement, Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { EventBridgePutEvents, LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { type StageConfig, removalPolicyOf, stagePrefix } from '../config';
import { acknowledgeWildcards, nagArnOf } from '../nag';
import { retentionDays } from '../retention';

/** EventBridge source of the lifecycle workflows' events. */
export const lifecycleEventSource = 'campus.lifecycle';

/**
 * Errors worth trying again: the Data API waking a paused cluster, throttling, Lambda's
 * own service errors and timeouts. Every step is idempotent, so a retry is safe.
 */
export const transientErrors = [
  'DatabaseResumingException',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalServerErrorException',
  'InternalFailure',
  'TimeoutError',
  'Sandbox.Timedout',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * A Task that runs one step in a step function: `{ step, ...input }` as the payload, the
 * function's answer at `resultPath` (without one, the answer replaces the state).
 */
export function stepTask(
  scope: Construct,
  label: string,
  fn: IFunction,
  step: string,
  input: Record<string, unknown>,
  resultPath?: string,
): LambdaInvoke {
  return new LambdaInvoke(scope, label, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject({ step, ...input }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    ...(resultPath ? { resultPath } : {}),
  });
}

/** Retries a Task on transient errors only, with backoff and jitter. */
export function retryTransient<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({
    errors: transientErrors,
    interval: Duration.seconds(2),
    maxAttempts: 6,
    backoffRate: 2,
    maxDelay: Duration.seconds(30),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/** `campus-<stage>-<name>`: a lifecycle state machine's name, which others may use to find it. */
export function lifecycleStateMachineName(config: StageConfig, name: string): string {
  return `${stagePrefix(config)}-${name}`;
}

/**
 * A lifecycle state machine: standard, `campus-<stage>-<name>`, traced, logged at ALL
 * without execution data (inputs hold people's e-mails), with the stage's log retention.
 */
export function lifecycleStateMachine(
  scope: Construct,
  props: { config: StageConfig; name: string; definition: sfn.IChainable; timeout: Duration; functions: IFunction[] },
): sfn.StateMachine {
  const name = lifecycleStateMachineName(props.config, props.name);
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: name,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    timeout: props.timeout,
    tracingEnabled: true,
    logs: {
      destination: new LogGroup(scope, 'Logs', {
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: retentionDays(props.config.retention.logDays),
        removalPolicy: removalPolicyOf(props.config),
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: false,
    },
  });
  acknowledgeWildcards(
    stateMachine.role,
    { resources: props.functions.map((fn) => `${nagArnOf(fn.node.defaultChild as CfnElement)}:*`) },
    'CDK grants each invoked function with its versions and aliases (ARN:*); the functions are exactly its step functions.',
  );
  acknowledgeWildcards(
    stateMachine.role,
    { resources: ['*'] },
    'CloudWatch Logs delivery and X-Ray actions support no resource-level permissions; every other statement names its resource.',
  );
  return stateMachine;
}

/** Sends one lifecycle event (the detail's `.$` keys are paths into the state), retried a few times. */
export function emitEvent(
  scope: Construct,
  label: string,
  detailType: string,
  detail: Record<string, unknown>,
  eventBus?: IEventBus,
): sfn.TaskStateBase {
  return new EventBridgePutEvents(scope, label, {
    entries: [
      {
        source: lifecycleEventSource,
        detailType,
        detail: sfn.TaskInput.fromObject({ executionId: sfn.JsonPath.executionId, ...detail }),
        ...(eventBus ? { eventBus } : {}),
      },
    ],
    resultPath: sfn.JsonPath.DISCARD,
  }).addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2 });
}

/** A note to the operators' topic, retried a few times; its answer is dropped. */
export function notifyOperator(scope: Construct, label: string, topic: ITopic, subject: string, message: string) {
  return new SnsPublish(scope, label, {
    topic,
    subject,
    message: sfn.TaskInput.fromText(message),
    resultPath: sfn.JsonPath.DISCARD,
  }).addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2 });
}
