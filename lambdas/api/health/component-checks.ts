import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { s3ClientConfig } from '../../shared/s3-client-config';

import { type HealthTargets, healthTargets as targetsSchema, healthTargetsVariable } from './health.schemas';

export { type HealthTargets, healthTargetsVariable };

export type ComponentName = 'postgres' | 'dataApi' | 'dynamodb' | 'sqs' | 'stepFunctions' | 'objects';
export interface ComponentHealth {
  /** `paused`: an Aurora cluster auto-paused, which resumes on the next call. */
  readonly status: 'up' | 'down' | 'paused';
  readonly latencyMs: number;
  readonly detail?: string;
}
export type ComponentsHealth = Partial<Record<ComponentName, ComponentHealth>>;

// One short attempt: a health check reports, it does not wait out an outage.
const clientConfig = { maxAttempts: 1, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } };

async function timed(probe: () => Promise<unknown>): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await probe();
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), detail: (error as Error).name };
  }
}

/** One component probed with its own client, which is closed afterwards. */
async function probe<C extends { destroy(): void }>(
  name: ComponentName,
  client: C,
  call: (client: C) => Promise<unknown>,
): Promise<ComponentsHealth> {
  try {
    return { [name]: await timed(() => call(client)) };
  } finally {
    client.destroy();
  }
}

/** A Data API answer, even an error, shows the endpoint is up; only a successful query shows the database is. */
async function shardGroups(groups: NonNullable<HealthTargets['shardGroups']>): Promise<ComponentsHealth> {
  const client = new RDSDataClient(clientConfig);
  const results = await Promise.all(
    Object.values(groups).map(async ({ resourceArn, secretArn }) => {
      const started = performance.now();
      try {
        await client.send(new ExecuteStatementCommand({ resourceArn, secretArn, sql: 'SELECT 1' }));
        return { answered: true, database: 'up' as const, ms: performance.now() - started };
      } catch (error) {
        const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
        const paused = (error as Error).name === 'DatabaseResumingException';
        return {
          answered,
          database: paused ? ('paused' as const) : ('down' as const),
          detail: (error as Error).name,
          ms: performance.now() - started,
        };
      }
    }),
  );
  client.destroy();
  const latencyMs = Math.round(Math.max(...results.map((result) => result.ms)));
  const failed = results.find((result) => result.database === 'down');
  const paused = results.some((result) => result.database === 'paused');
  const silent = results.find((result) => !result.answered);
  return {
    dataApi: silent ? { status: 'down', latencyMs, detail: silent.detail! } : { status: 'up', latencyMs },
    postgres: failed
      ? { status: 'down', latencyMs, detail: failed.detail! }
      : { status: paused ? 'paused' : 'up', latencyMs },
  };
}

/** Probes every component that has a target, in parallel, each with one short attempt. */
export async function checkComponents(env: NodeJS.ProcessEnv = process.env): Promise<ComponentsHealth> {
  const raw = env[healthTargetsVariable];
  if (!raw) return {};
  const targets = targetsSchema.parse(JSON.parse(raw));
  const checks: Promise<ComponentsHealth>[] = [];
  if (targets.tenantTable) {
    checks.push(
      probe('dynamodb', new DynamoDBClient(clientConfig), (client) =>
        client.send(new DescribeTableCommand({ TableName: targets.tenantTable })),
      ),
    );
  }
  if (targets.queuePrefix) {
    checks.push(
      probe('sqs', new SQSClient(clientConfig), (client) =>
        client.send(new ListQueuesCommand({ QueueNamePrefix: targets.queuePrefix, MaxResults: 1 })),
      ),
    );
  }
  if (targets.stateMachines) {
    checks.push(
      probe('stepFunctions', new SFNClient(clientConfig), (client) =>
        client.send(new ListStateMachinesCommand({ maxResults: 1 })),
      ),
    );
  }
  if (targets.bucket) {
    checks.push(
      probe('objects', new S3Client({ ...clientConfig, ...s3ClientConfig() }), (client) =>
        client.send(new HeadBucketCommand({ Bucket: targets.bucket })),
      ),
    );
  }
  if (targets.shardGroups && Object.keys(targets.shardGroups).length > 0) {
    checks.push(shardGroups(targets.shardGroups));
  }
  return Object.assign({}, ...(await Promise.all(checks))) as ComponentsHealth;
}
