import { type CfnElement, Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { handlerName } from '../../lambdas/api/routes';
import { type BucketPurpose, bucketVariable } from '../../lambdas/shared/buckets';
import {
  bulkDeliveryQueue,
  sendingEventsQueue,
  notificationDueQueue,
  platformQueues,
  type QueueDefinition,
  reportsQueue,
  urgentDeliveryQueue,
} from '../../lambdas/shared/queues';
import {
  appOriginVariable,
  bulkSendRateVariable,
  emailConfigurationSetVariable,
  mailFromVariable,
  smsConfigurationSetVariable,
  notificationKeysSecretVariable,
  backupsKeptDaysVariable,
  userPoolVariable,
} from '../../lambdas/shared/platform-variables';
import { erasureRegisterTable, scoringRunsTable } from '../../lambdas/shared/tables';
import type { StageConfig } from '../config';
import { grantSchoolData } from '../constructs/school-data-grant';
import { acknowledgeWildcards } from '../nag';
import { SchoolFunction } from '../constructs/school-function';
import { physicalName } from '../naming';
import type { PlatformData } from '../platform-data';
import { ScoringRunWorkflow } from '../workflows/scoring-run.workflow';
import { serviceNames } from '../../lambdas/shared/telemetry-names';
import type { LiveUpdates } from './live.stack';
import type { MessageSending } from './messaging.stack';

/** The SES events the notification messages follow (EventBridge detail types). */
const emailEventTypes = [
  'Email Delivered',
  'Email Bounced',
  'Email Complaint Received',
  'Email Rejected',
  'Email Rendering Failed',
  'Email Delivery Delayed',
];

export interface BatchStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: PlatformData;
  readonly tenantDirectory: ITableV2;
  /** How notification senders send e-mail and text messages (the messaging stack). */
  readonly messaging: MessageSending;
  /** How the dispatchers tell open apps about new in-app messages (the live stack). */
  readonly live: LiveUpdates;
  /** Where schools open the web app (`https://…`): the links in messages point there. */
  readonly appOrigin: string;
  /** The user pool an erasure removes sign-ins from (the auth stack's). */
  readonly userPool: IUserPool;
  /** @default platformQueues */
  readonly queues?: readonly QueueDefinition[];
}

/** A data bucket and the policies over its school objects. */
function schoolObjects(data: PlatformData, purpose: BucketPurpose) {
  if (purpose === 'exports') return { bucket: data.exportsBucket, policies: data.exportsPolicies };
  if (purpose === 'reports') return { bucket: data.reportsBucket, policies: data.reportsPolicies };
  throw new Error(`No school object policies for the ${purpose} bucket.`);
}

/** What one platform queue is made of here: the queue, its dead-letter queue and its consumer. */
export interface BatchQueue {
  readonly definition: QueueDefinition;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: SchoolFunction;
}

/**
 * The platform's queues and their workers, from the queue definitions the local platform
 * also runs: each queue with its dead-letter queue (SSE, TLS only, named
 * `<stage prefix>-<logical name>`), and a worker that reports failures per message, so one
 * bad message is retried alone and reaches the dead-letter queue after its receive count.
 */
export class BatchStack extends Stack {
  readonly queues = new Map<string, BatchQueue>();
  /** Runs every step of the scoring run. */
  readonly scoringSteps: SchoolFunction;
  /** Applies each school's retention policy, a step of the nightly run. */
  readonly retentionSteps: SchoolFunction;
  readonly scoringRun: ScoringRunWorkflow;
  /** Starts the scoring run of every ACTIVE school, nightly. */
  readonly nightlyScoring: Schedule;
  /** Dispatches every ACTIVE school's due notifications and queues again what was not sent, each minute. */
  readonly notificationSweep: SchoolFunction;
  readonly notificationSweepSchedule: Schedule;
  /** Starts the sweep's hourly pass: the day's notices in each school's own time, and message retention. */
  readonly notificationHourlySchedule: Schedule;

  constructor(scope: Construct, id: string, props: BatchStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    for (const definition of props.queues ?? platformQueues) {
      const deadLetterQueue = new Queue(this, `${definition.logicalName}-dlq`, {
        queueName: physicalName(config, `${definition.logicalName}-dlq`),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, definition.logicalName, {
        queueName: physicalName(config, definition.logicalName),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      });
      const worker = new SchoolFunction(this, handlerName(definition.handler), {
        config,
        entry: definition.handler,
        serviceName: serviceNames.batch,
        description: `Consumer of the ${definition.logicalName} queue`,
        timeout: Duration.seconds(definition.handlerTimeoutSeconds),
        memorySize: 1024,
      });
      worker.addEventSource(
        new SqsEventSource(queue, {
          batchSize: definition.batchSize,
          reportBatchItemFailures: true,
          ...(definition.maxConcurrency ? { maxConcurrency: definition.maxConcurrency } : {}),
        }),
      );
      grantSchoolData(worker, {
        tenantDataAccess: data.tenantDataAccess,
        tenantDirectory: props.tenantDirectory,
        shardGroups: data.shardGroups,
      });
      for (const purpose of definition.writesTo ?? []) {
        const { bucket, policies } = schoolObjects(data, purpose);
        worker.role!.addManagedPolicy(policies.write);
        worker.addEnvironment(bucketVariable(purpose), bucket.bucketName);
      }
      for (const purpose of definition.removesFrom ?? []) {
        const { bucket, policies } = schoolObjects(data, purpose);
        worker.role!.addManagedPolicy(policies.remove);
        worker.addEnvironment(bucketVariable(purpose), bucket.bucketName);
      }
      if (definition.erases) this.grantErasure(worker, props);
      this.queues.set(definition.logicalName, { definition, queue, deadLetterQueue, worker });
    }
    // Consumers that send on, and those that send notification messages.
    for (const { definition, worker } of this.queues.values()) {
      for (const target of definition.sendsTo ?? []) this.sendsTo(worker, this.queueNamed(target));
      this.sendsMessages(worker, definition.messages ?? [], props);
    }
    // Bulk sends go at each school's share of the account's rate.
    this.queueNamed(bulkDeliveryQueue.logicalName).worker.addEnvironment(
      bulkSendRateVariable,
      String(config.messaging.bulkSendsPerSecondPerSchool),
    );

    this.scoringSteps = new SchoolFunction(this, 'scoring-steps', {
      config,
      entry: 'lambdas/scoring/scoring-steps.handler.ts',
      serviceName: serviceNames.scoring,
      description: 'Steps of the scoring run: plan schools, score chunks of students, finish',
      timeout: Duration.minutes(5),
      memorySize: 1769,
    });
    const tenantDirectory = props.tenantDirectory;
    grantSchoolData(this.scoringSteps, {
      tenantDataAccess: data.tenantDataAccess,
      tenantDirectory,
      shardGroups: data.shardGroups,
    });
    // Listing the ACTIVE schools is a query of the status index, nothing else of the directory.
    this.scoringSteps.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${tenantDirectory.tableArn}/index/byStatus`] }),
    );
    // Runs and their schools' progress: by key, and a run's school items by query; no index, no scan, no delete.
    const runsTable = data.tables[scoringRunsTable.logicalName]!;
    this.scoringSteps.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [runsTable.tableArn],
      }),
    );
    runsTable.encryptionKey?.grant(this.scoringSteps, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    const reports = this.queue(reportsQueue);
    reports.grantSendMessages(this.scoringSteps);
    this.scoringSteps.addEnvironment(reportsQueue.urlVariable, reports.queueUrl);
    this.retentionSteps = new SchoolFunction(this, 'retention-steps', {
      config,
      entry: 'lambdas/privacy/retention-steps.handler.ts',
      serviceName: serviceNames.scoring,
      description: "The run's retention step: erasures applied again after a restore, each school's retention policy",
      timeout: Duration.minutes(10),
    });
    grantSchoolData(this.retentionSteps, {
      tenantDataAccess: data.tenantDataAccess,
      tenantDirectory,
      shardGroups: data.shardGroups,
    });
    // Exports never downloaded in their days: their files go.
    const exportFiles = schoolObjects(data, 'exports');
    this.retentionSteps.role!.addManagedPolicy(exportFiles.policies.remove);
    this.retentionSteps.addEnvironment(bucketVariable('exports'), exportFiles.bucket.bucketName);
    // The erasures to apply again to a school restored from an older backup: read by school, never written here.
    const register = data.tables[erasureRegisterTable.logicalName]!;
    this.retentionSteps.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [register.tableArn] }),
    );
    register.encryptionKey?.grantDecrypt(this.retentionSteps);
    this.scoringRun = new ScoringRunWorkflow(this, 'ScoringRun', {
      config,
      scoringSteps: this.scoringSteps,
      retentionSteps: this.retentionSteps,
    });

    this.nightlyScoring = new Schedule(this, 'NightlyScoring', {
      scheduleName: physicalName(config, 'nightly-scoring'),
      description: 'Scores every ACTIVE school: at-risk, anomalies, percentiles, careers',
      schedule: ScheduleExpression.expression(config.scoring.schedule, TimeZone.of(config.scoring.timezone)),
      target: new StepFunctionsStartExecution(this.scoringRun.stateMachine, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });

    this.notificationSweep = new SchoolFunction(this, handlerName('lambdas/notifications/sweep.handler.ts'), {
      config,
      entry: 'lambdas/notifications/sweep.handler.ts',
      serviceName: serviceNames.batch,
      description: "Each minute: every ACTIVE school's due notifications dispatched, unsent messages queued again",
      timeout: Duration.seconds(55),
      memorySize: 1024,
    });
    grantSchoolData(this.notificationSweep, {
      tenantDataAccess: data.tenantDataAccess,
      tenantDirectory,
      shardGroups: data.shardGroups,
    });
    this.notificationSweep.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${tenantDirectory.tableArn}/index/byStatus`] }),
    );
    for (const definition of [notificationDueQueue, urgentDeliveryQueue, bulkDeliveryQueue]) {
      this.sendsTo(this.notificationSweep, this.queueNamed(definition.logicalName));
    }
    this.sendsMessages(this.notificationSweep, ['live'], props);
    // The dispatchers write the messages, and with them the app's links.
    for (const dispatcher of [this.notificationSweep, this.queues.get(notificationDueQueue.logicalName)?.worker]) {
      dispatcher?.addEnvironment(appOriginVariable, props.appOrigin);
    }
    // Scheduler's own role for the target, so the wildcard that grantInvoke adds (the function's versions) is acknowledged here.
    const sweepInvoker = new Role(this, 'NotificationSweepInvoker', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler invokes the notification sweep, nothing else',
    });
    acknowledgeWildcards(
      sweepInvoker,
      { resources: [`<${this.getLogicalId(this.notificationSweep.node.defaultChild as CfnElement)}.Arn>:*`] },
      'Lambda grantInvoke covers the versions of the one sweep function; invoke only.',
    );
    this.notificationSweepSchedule = new Schedule(this, 'NotificationSweep', {
      scheduleName: physicalName(config, 'notification-sweep'),
      description: 'Dispatches what a lost wake-up left due; queues again what was written but not sent',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(this.notificationSweep, {
        role: sweepInvoker,
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule', pass: 'minute' }),
        retryAttempts: 0,
      }),
    });
    this.notificationHourlySchedule = new Schedule(this, 'NotificationHourly', {
      scheduleName: physicalName(config, 'notification-hourly'),
      description:
        "On the hour: each school's fee reminders and attendance notices once its notice time has come; retention",
      schedule: ScheduleExpression.cron({ minute: '0' }),
      target: new LambdaInvoke(this.notificationSweep, {
        role: sweepInvoker,
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule', pass: 'hourly' }),
        retryAttempts: 0,
      }),
    });

    new Rule(this, 'EmailEvents', {
      ruleName: physicalName(config, 'email-events'),
      description: "SES's sending events of the stage's configuration set, to the notification messages",
      eventPattern: {
        source: ['aws.ses'],
        detailType: emailEventTypes,
        detail: { mail: { tags: { 'ses:configuration-set': [props.messaging.emailConfigurationSetName] } } },
      },
      // Into a queue, applied ten at a time: an announcement's thousands of events are not thousands of invocations.
      targets: [new SqsQueue(this.queue(sendingEventsQueue))],
    });
    new Rule(this, 'TextEvents', {
      ruleName: physicalName(config, 'text-events'),
      description: "End User Messaging SMS's text status events, to the notification messages",
      // The service puts them on the default bus by itself; those of messages sent outside the
      // platform name no school in their context and are dropped by the worker.
      eventPattern: { source: ['aws.sms-voice'], detailType: ['Text Message Delivery Status Updated'] },
      targets: [new SqsQueue(this.queue(sendingEventsQueue))],
    });
  }

  /** The queue a definition names; the API sends to some of them. */
  queue(definition: QueueDefinition): Queue {
    return this.queueNamed(definition.logicalName).queue;
  }

  private queueNamed(logicalName: string): BatchQueue {
    const made = this.queues.get(logicalName);
    if (!made) throw new Error(`The batch stack has no ${logicalName} queue.`);
    return made;
  }

  /** A function that sends to a platform queue: the grant, and the queue's URL in its variable. */
  /**
   * An erasure's reach outside the school's database: the erased people's sign-ins (looked up and
   * deleted by user name, nothing else of the pool), and the register a restore reads (written,
   * never read or deleted here), kept as long as the stage's backups.
   */
  private grantErasure(fn: SchoolFunction, props: BatchStackProps): void {
    fn.addEnvironment(userPoolVariable, props.userPool.userPoolId);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'],
        resources: [props.userPool.userPoolArn],
      }),
    );
    const register = props.data.tables[erasureRegisterTable.logicalName]!;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [register.tableArn] }));
    register.encryptionKey?.grant(fn, 'kms:Encrypt', 'kms:GenerateDataKey');
    fn.addEnvironment(
      backupsKeptDaysVariable,
      String(Math.max(props.config.retention.dailySnapshotDays, props.config.retention.continuousBackupDays)),
    );
  }

  private sendsTo(fn: SchoolFunction, { definition, queue }: BatchQueue): void {
    queue.grantSendMessages(fn);
    fn.addEnvironment(definition.urlVariable, queue.queueUrl);
  }

  /** A function that sends e-mail or text messages: exactly those grants, and the names it sends with. */
  private sendsMessages(
    fn: SchoolFunction,
    channels: readonly ('email' | 'sms' | 'push' | 'live')[],
    { messaging, live, appOrigin }: Pick<BatchStackProps, 'messaging' | 'live' | 'appOrigin'>,
  ): void {
    if (channels.includes('live')) live.grantPush(fn);
    if (channels.includes('email') || channels.includes('push')) {
      // Unsubscribe and invitation links, and where a push opens, are on the app's own origin; invitation
      // links and pushes are signed with the stage's notification keys; the sender's address is the
      // e-mails' From and the pushes' VAPID contact.
      messaging.grantReadNotificationKeys(fn);
      fn.addEnvironment(notificationKeysSecretVariable, messaging.notificationKeysSecretName);
      fn.addEnvironment(appOriginVariable, appOrigin);
      fn.addEnvironment(mailFromVariable, messaging.mailFrom);
    }
    if (channels.includes('email')) {
      messaging.grantSendEmail(fn);
      fn.addEnvironment(emailConfigurationSetVariable, messaging.emailConfigurationSetName);
    }
    if (channels.includes('sms')) {
      messaging.grantSendText(fn);
      fn.addEnvironment(smsConfigurationSetVariable, messaging.smsConfigurationSetName);
    }
  }
}
