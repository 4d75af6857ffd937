import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { dataApiServices, metricNames, metricsNamespace } from '../../lambdas/shared/telemetry-names';
import { type StageConfig, stagePrefix } from '../config';
import type { ShardGroupRef } from '../platform-data';

export interface ObservabilityStackProps extends StackProps {
  readonly config: StageConfig;
  readonly api: HttpApi;
  readonly shardGroups: readonly ShardGroupRef[];
  /** Services (Powertools service names) whose Data API errors are alarmed. @default every service that uses the Data API */
  readonly dataApiServices?: readonly string[];
}

export type Severity = 'warning' | 'critical';

/**
 * One dashboard and the platform's alarms, all notifying one encrypted SNS topic that
 * e-mails the stage's on-call address. Later stacks attach their functions, queues and
 * state machines with the `monitor*` methods.
 */
export class ObservabilityStack extends Stack {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { config, api } = props;
    this.prefix = stagePrefix(config);

    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: `Campus Cloud ${config.name}: alarm topic`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to the encrypted topic, so CloudWatch needs the key.
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Alarms', {
      topicName: `${this.prefix}-alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new EmailSubscription(config.alarmEmail));
    // Dashboard names are global to the account, so the region keeps a failover's apart.
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${this.prefix}-platform-${this.region}` });

    // API: p95 latency and 5xx rate, each with a warning and a critical level.
    const latencyP95 = api.metricLatency({ statistic: 'p95', period: Duration.minutes(5) });
    this.alarm('api-latency-p95', 'warning', latencyP95, 2000, 'API p95 latency above 2 s', 3);
    this.alarm('api-latency-p95', 'critical', latencyP95, 5000, 'API p95 latency above 5 s', 3);
    const errorRate = new MathExpression({
      // Below 20 requests in 5 minutes a single error says little; report 0 then.
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        requests: api.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
      label: 'API 5xx rate (%)',
    });
    this.alarm('api-5xx-rate', 'warning', errorRate, 2, 'API 5xx rate above 2 %', 2);
    this.alarm('api-5xx-rate', 'critical', errorRate, 5, 'API 5xx rate above 5 %', 2);

    // Shard groups: sustained ACU utilisation means the group needs a higher max or fewer schools.
    const acuMetrics = props.shardGroups.map(
      (group) =>
        new Metric({
          namespace: 'AWS/RDS',
          metricName: 'ACUUtilization',
          dimensionsMap: { DBClusterIdentifier: group.clusterIdentifier },
          statistic: 'Average',
          period: Duration.minutes(5),
          label: `${group.group.id} ACU %`,
        }),
    );
    acuMetrics.forEach((metric, i) => {
      this.alarm(
        `shard-group-${props.shardGroups[i]!.group.id}-acu`,
        'warning',
        metric,
        80,
        'Shard group ACU utilisation above 80 %',
        3,
      );
    });

    // Data API errors, published by the shared Data API client under each service's name.
    const alarmedServices = props.dataApiServices ?? dataApiServices;
    const dataApiErrors = alarmedServices.map(
      (service) =>
        new Metric({
          namespace: metricsNamespace,
          metricName: metricNames.dataApiErrors,
          dimensionsMap: { service },
          statistic: 'Sum',
          period: Duration.minutes(5),
          label: `${service} Data API errors`,
        }),
    );
    dataApiErrors.forEach((metric, i) => {
      this.alarm(
        `data-api-errors-${alarmedServices[i]}`,
        'warning',
        metric,
        5,
        'Data API errors: more than 5 in 5 minutes',
        1,
      );
    });

    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API p95 latency (ms)', left: [latencyP95], width: 8 }),
      new GraphWidget({ title: 'API 5xx rate (%)', left: [errorRate], width: 8 }),
      new GraphWidget({ title: 'Requests', left: [api.metricCount({ period: Duration.minutes(5) })], width: 8 }),
      new GraphWidget({ title: 'Shard group ACU utilisation (%)', left: acuMetrics, width: 12 }),
      new GraphWidget({ title: 'Data API errors', left: dataApiErrors, width: 12 }),
    );
  }

  /** Errors and throttles of a function: any error or throttle in 5 minutes alarms. */
  monitorFunction(name: string, fn: IFunction): void {
    const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
    const throttles = fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' });
    this.alarm(`lambda-${name}-errors`, 'critical', errors, 0, `Lambda ${name}: errors`, 1);
    this.alarm(`lambda-${name}-throttles`, 'warning', throttles, 0, `Lambda ${name}: throttles`, 1);
    this.dashboard.addWidgets(new GraphWidget({ title: `Lambda ${name}`, left: [errors, throttles], width: 6 }));
  }

  /** A dead-letter queue: any message in it is a failure someone must look at. */
  monitorDeadLetterQueue(name: string, queue: IQueue): void {
    const visible = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.alarm(`dlq-${name}`, 'critical', visible, 0, `Messages in dead-letter queue ${name}`, 1);
  }

  /**
   * A work queue: its oldest message waiting longer than `maxAgeSeconds` (workers down,
   * throttled or failing) warns, for 5 minutes running.
   */
  monitorQueueAge(name: string, queue: IQueue, maxAgeSeconds: number): void {
    const age = queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' });
    this.alarm(`queue-${name}-age`, 'warning', age, maxAgeSeconds, `Queue ${name}: oldest message waiting too long`, 5);
  }

  /** A state machine: any failed execution alarms. */
  monitorStateMachine(name: string, stateMachine: IStateMachine): void {
    const failed = stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' });
    this.alarm(`sfn-${name}-failed`, 'critical', failed, 0, `State machine ${name}: failed executions`, 1);
  }

  /**
   * The account's e-mail reputation as SES judges it: the bounce and complaint rates it
   * publishes (AWS/SES, over its own window), warned below the rates at which SES reviews an
   * account (5 % and 0.1 %), and paged at them.
   */
  monitorEmailReputation(thresholds: { bounceRateWarning: number; complaintRateWarning: number }): void {
    const rate = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.minutes(15), statistic: 'Maximum' });
    const bounces = rate('Reputation.BounceRate');
    const complaints = rate('Reputation.ComplaintRate');
    this.alarm('email-bounce-rate', 'warning', bounces, thresholds.bounceRateWarning, 'E-mail bounce rate', 1);
    this.alarm('email-bounce-rate', 'critical', bounces, 0.05, 'E-mail bounce rate at SES review level', 1);
    this.alarm(
      'email-complaint-rate',
      'warning',
      complaints,
      thresholds.complaintRateWarning,
      'E-mail complaint rate',
      1,
    );
    this.alarm('email-complaint-rate', 'critical', complaints, 0.001, 'E-mail complaint rate at SES review level', 1);
    this.dashboard.addWidgets(new GraphWidget({ title: 'E-mail reputation', left: [bounces, complaints], width: 12 }));
  }

  /** An alarm when `metric` stays strictly above `threshold` for `periods` periods. */
  private alarm(
    name: string,
    severity: Severity,
    metric: IMetric,
    threshold: number,
    description: string,
    periods: number,
  ): Alarm {
    const alarm = new Alarm(this, `${name}-${severity}`, {
      alarmName: `${this.prefix}-${name}-${severity}`,
      alarmDescription: `[${severity.toUpperCase()}] ${description}`,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
