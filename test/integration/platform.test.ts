import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { platformTables } from '../../lambdas/shared/tables';
import { afterAll, describe, expect, it } from 'vitest';
import type { HealthReport as HealthResponse } from '../../lambdas/api/health/health.schemas';
import { readShardGroupClusters } from '../../lambdas/shared/runtime';
import { localStage } from '../../local/local-stage';
import { type Platform, startPlatform } from '../../local/platform';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A client configured the way handlers are: region and credentials from the environment, endpoint from AWS_ENDPOINT_URL_RDS_DATA. */
const dataClient = () => new RDSDataClient({});

async function count(platform: Platform, groupIndex: number, sql: string): Promise<unknown> {
  const group = platform.shardGroups[groupIndex]!;
  const client = dataClient();
  try {
    const out = await client.send(
      new ExecuteStatementCommand({
        resourceArn: group.resourceArn,
        secretArn: group.masterSecretArn,
        sql,
        formatRecordsAs: 'JSON',
      }),
    );
    return JSON.parse(out.formattedRecords ?? '[]');
  } finally {
    client.destroy();
  }
}

describe('the local platform (real PostgreSQL, real HTTP)', () => {
  it('starts every shard group behind the Data API, with handlers pointed at them by environment only', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'campus-platform-'));
    dirs.push(stateDir);
    const platform = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
    try {
      expect(platform.shardGroups.map((g) => g.id)).toEqual(localStage.shardGroups.map((g) => g.id));
      expect(Object.keys(readShardGroupClusters())).toEqual(['sg1', 'sg2']);
      for (const index of [0, 1]) {
        expect(
          await count(platform, index, "SELECT current_setting('server_version_num')::int / 10000 AS major"),
        ).toEqual([{ major: 16 }]);
      }
      const queues = new SQSClient({});
      try {
        // The SDK finds the local SQS through AWS_ENDPOINT_URL_SQS alone.
        expect((await queues.send(new ListQueuesCommand({}))).$metadata.httpStatusCode).toBe(200);
      } finally {
        queues.destroy();
      }
      const endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8'));
      expect(endpoints).toMatchObject({ web: platform.url, stepFunctions: platform.stepFunctions.url });
      const response = await fetch(`${platform.url}/api/health`);
      expect(response.status).toBe(200);
      const health = (await response.json()) as HealthResponse;
      expect(health).toMatchObject({ status: 'ok', stage: 'local' });
      const components = ['postgres', 'dataApi', 'dynamodb', 'sqs', 'stepFunctions', 'objects'] as const;
      expect(Object.keys(health.components).sort()).toEqual([...components].sort());
      for (const name of components) expect(health.components[name]?.status, name).toBe('up');

      // A stopped database shows in the report, with the Data API still answering.
      await platform.shardGroups[1]!.postgres.stop();
      const degraded = await fetch(`${platform.url}/api/health`);
      expect(degraded.status).toBe(503);
      const report = (await degraded.json()) as HealthResponse;
      expect(report.status).toBe('degraded');
      expect(report.components.postgres?.status).toBe('down');
      expect(report.components.dataApi?.status).toBe('up');
      expect(report.components.dynamodb?.status).toBe('up');
    } finally {
      await platform.stop();
    }
  });

  it('keeps data between runs and recovers from a crashed run’s stale postmaster.pid', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'campus-platform-'));
    dirs.push(stateDir);
    const first = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
    await count(first, 0, 'CREATE TABLE kept AS SELECT 42 AS answer');
    await first.stop();
    expect(existsSync(join(stateDir, 'endpoints.json'))).toBe(false);

    // What a killed server leaves behind: a pid file naming a process that no longer exists,
    // or, after a reboot, one whose pid another program now has (this test's own).
    writeFileSync(join(stateDir, 'postgres', 'sg1', 'pgdata', 'postmaster.pid'), '999999\n/tmp\n');
    writeFileSync(join(stateDir, 'postgres', 'sg2', 'pgdata', 'postmaster.pid'), `${process.pid}\n/tmp\n`);
    const logged: string[] = [];
    const second = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true, log: (line) => logged.push(line) });
    try {
      expect(await count(second, 0, 'SELECT answer FROM kept')).toEqual([{ answer: 42 }]);
      expect(logged.filter((line) => /removing stale .*postmaster\.pid/.test(line))).toHaveLength(2);
    } finally {
      await second.stop();
    }
  });

  it('creates the platform tables from the shared definitions, with DynamoDB’s conditional writes', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'campus-platform-'));
    dirs.push(stateDir);
    const first = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
    const dynamo = new DynamoDBClient({});
    try {
      for (const definition of platformTables) {
        const { Table } = await dynamo.send(
          new DescribeTableCommand({ TableName: `campus-local-${definition.logicalName}` }),
        );
        expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(
          [definition.partitionKey.name, definition.sortKey?.name].filter(Boolean),
        );
        expect((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort()).toEqual(
          definition.globalIndexes.map((i) => i.name).sort(),
        );
      }
      const claim = new PutItemCommand({
        TableName: 'campus-local-tenant-directory',
        Item: { pk: { S: 'SLUG#greenfield' }, sk: { S: 'SLUG' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      await dynamo.send(claim);
      await expect(dynamo.send(claim)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    } finally {
      dynamo.destroy();
      await first.stop();
    }
    // Tables and items survive a restart.
    const second = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
    const again = new DynamoDBClient({});
    try {
      const item = await again.send(
        new GetItemCommand({
          TableName: 'campus-local-tenant-directory',
          Key: { pk: { S: 'SLUG#greenfield' }, sk: { S: 'SLUG' } },
        }),
      );
      expect(item.Item?.pk?.S).toBe('SLUG#greenfield');
    } finally {
      again.destroy();
      await second.stop();
    }
  });

  it('refuses, with a clear error, to start twice on the same state', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'campus-platform-'));
    dirs.push(stateDir);
    const running = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
    try {
      await expect(startPlatform({ stateDir, port: 0, fastAndUnsafe: true })).rejects.toThrow(/already running on/);
    } finally {
      await running.stop();
    }
  });
});
