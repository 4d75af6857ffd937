import { Duration, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { handlerName } from '../../lambdas/api/routes';
import { type BucketPurpose, bucketVariable } from '../../lambdas/shared/buckets';
import { platformQueues, type QueueDefinition, reportsQueue } from '../../lambdas/shared/queues';
import { scoringRunsTable } from '../../lambdas/shared/tables';
import type { StageConfig } from '../config';
import { grantSchoolData } from '../constructs/school-data-grant';
import { SchoolFunction } from '../constructs/school-function';
import { physicalName } from '../naming';
import type { PlatformData } from '../platform-data';
import { ScoringRunWorkflow } from '../workflows/scoring-run.workflow';
import { serviceNames } from '../../lambdas/shared/telemetry-names';

export interface BatchStackProps extends StackProps {
  readonly config: StageConfig;
  readonly data: PlatformData;
  readonly tenantDirectory: ITableV2;
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
  readonly scoringRun: ScoringRunWorkflow;
  /** Starts the scoring run of every ACTIVE school, nightly. */
  readonly nightlyScoring: Schedule;

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
        new SqsEventSource(queue, { batchSize: definition.batchSize, reportBatchItemFailures: true }),
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
      this.queues.set(definition.logicalName, { definition, queue, deadLetterQueue, worker });
    }

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
    this.scoringRun = new ScoringRunWorkflow(this, 'ScoringRun', { config, scoringSteps: this.scoringSteps });

    this.nightlyScoring = new Schedule(this, 'NightlyScoring', {
      scheduleName: physicalName(config, 'nightly-scoring'),
      description: 'Scores every ACTIVE school: at-risk, anomalies, percentiles, careers',
      schedule: ScheduleExpression.expression(config.scoring.schedule, TimeZone.of(config.scoring.timezone)),
      target: new StepFunctionsStartExecution(this.scoringRun.stateMachine, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
      }),
    });
  }

  /** The queue a definition names; the API sends to some of them. */
  queue(definition: QueueDefinition): Queue {
    const made = this.queues.get(definition.logicalName);
    if (!made) throw new Error(`The batch stack has no ${definition.logicalName} queue.`);
    return made.queue;
  }
}
