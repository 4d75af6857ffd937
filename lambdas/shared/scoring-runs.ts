import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { platformResourceName } from './resource-names';
import { scoringRunsTable } from './tables';
import { pageKeys } from './page-keys';

/** How a scoring run was started. */
export type ScoringTrigger = 'schedule' | 'api' | 'operator';
export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'PARTIAL' | 'FAILED';
export type SchoolRunStatus = 'SCORING' | 'DONE' | 'FAILED';

/** A run as a whole: what started it and which schools it covers. */
export interface ScoringRun {
  readonly runId: string;
  readonly status: RunStatus;
  readonly trigger: ScoringTrigger;
  /** The one school asked for, or every ACTIVE school. */
  readonly scope: string;
  readonly requestedBy?: string;
  readonly schools: number;
  readonly modelVersion: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/** One school's part of a run, with its progress. */
export interface SchoolRun {
  readonly runId: string;
  readonly schoolId: string;
  readonly status: SchoolRunStatus;
  readonly trigger: ScoringTrigger;
  readonly modelVersion: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly chunksTotal: number;
  readonly chunksDone: number;
  readonly studentsTotal: number;
  readonly studentsScored: number;
  readonly atRisk: number;
  readonly anomalies: number;
  readonly failure?: string;
}

/** The run's figures over all its schools, for operators. */
export interface RunProgress extends ScoringRun {
  readonly schoolsDone: number;
  readonly schoolsFailed: number;
  readonly chunksTotal: number;
  readonly chunksDone: number;
  readonly studentsScored: number;
}

/** Runs are kept 90 days. */
const retentionSeconds = 90 * 86_400;
const schoolKey = (schoolId: string) => `SCHOOL#${schoolId}`;

function toSchoolRun(item: Record<string, unknown>): SchoolRun {
  const { sk: _sk, doneChunks: _done, expiresAt: _expires, ...rest } = item;
  return rest as unknown as SchoolRun;
}

let sharedClient: DynamoDBDocumentClient | undefined;

/**
 * The scoring-runs table: the only writer of a run's records. Every write is safe to
 * repeat: a run and a school's part start once, a chunk counts once however often it is
 * scored again, and finishing is a plain overwrite of the same values.
 */
export class ScoringRuns {
  constructor(
    private readonly tableName: string = platformResourceName(scoringRunsTable.logicalName),
    private readonly client: DynamoDBDocumentClient = (sharedClient ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({}),
      { marshallOptions: { removeUndefinedValues: true } },
    )),
  ) {}

  /** Records the run's start; a repeated start keeps the first record. */
  async startRun(run: Omit<ScoringRun, 'status' | 'startedAt'>, now = new Date()): Promise<ScoringRun> {
    const item = {
      ...run,
      sk: 'RUN',
      status: 'RUNNING',
      startedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
    };
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(runId)' }),
      );
      return item as unknown as ScoringRun;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.getRun(run.runId))!;
    }
  }

  async getRun(runId: string): Promise<ScoringRun | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { runId, sk: 'RUN' } }));
    if (!out.Item) return undefined;
    const { sk: _sk, expiresAt: _expires, ...run } = out.Item;
    return run as ScoringRun;
  }

  /** Records a school's plan; planning again (a retried step) keeps the progress already made. */
  async planSchool(
    run: Pick<ScoringRun, 'runId' | 'trigger' | 'modelVersion'>,
    schoolId: string,
    plan: { chunksTotal: number; studentsTotal: number },
    now = new Date(),
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId: run.runId, sk: schoolKey(schoolId) },
        UpdateExpression: `SET schoolId = :schoolId, #trigger = :trigger, modelVersion = :modelVersion,
          chunksTotal = :chunksTotal, studentsTotal = :studentsTotal,
          #status = if_not_exists(#status, :scoring), startedAt = if_not_exists(startedAt, :now),
          chunksDone = if_not_exists(chunksDone, :zero), studentsScored = if_not_exists(studentsScored, :zero),
          atRisk = if_not_exists(atRisk, :zero), anomalies = if_not_exists(anomalies, :zero),
          expiresAt = if_not_exists(expiresAt, :expiresAt)`,
        ExpressionAttributeNames: { '#status': 'status', '#trigger': 'trigger' },
        ExpressionAttributeValues: {
          ':schoolId': schoolId,
          ':trigger': run.trigger,
          ':modelVersion': run.modelVersion,
          ':chunksTotal': plan.chunksTotal,
          ':studentsTotal': plan.studentsTotal,
          ':scoring': 'SCORING',
          ':now': now.toISOString(),
          ':zero': 0,
          ':expiresAt': Math.floor(now.getTime() / 1000) + retentionSeconds,
        },
      }),
    );
  }

  /** Counts a scored chunk once: a chunk scored again (a retry, a re-run) changes nothing here. */
  async recordChunk(
    runId: string,
    schoolId: string,
    chunkId: string,
    outcome: { students: number; atRisk: number; anomalies: number },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { runId, sk: schoolKey(schoolId) },
          UpdateExpression:
            'ADD doneChunks :chunk, chunksDone :one, studentsScored :students, atRisk :atRisk, anomalies :anomalies',
          ConditionExpression: 'attribute_exists(runId) AND NOT contains(doneChunks, :chunkId)',
          ExpressionAttributeValues: {
            ':chunk': new Set([chunkId]),
            ':chunkId': chunkId,
            ':one': 1,
            ':students': outcome.students,
            ':atRisk': outcome.atRisk,
            ':anomalies': outcome.anomalies,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finishSchool(
    runId: string,
    schoolId: string,
    outcome: { status: Exclude<SchoolRunStatus, 'SCORING'>; failure?: string },
    now = new Date(),
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId, sk: schoolKey(schoolId) },
        UpdateExpression: `SET #status = :status, finishedAt = :now, schoolId = :schoolId${outcome.failure ? ', failure = :failure' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':now': now.toISOString(),
          ':schoolId': schoolId,
          ...(outcome.failure ? { ':failure': outcome.failure } : {}),
        },
      }),
    );
  }

  async getSchoolRun(runId: string, schoolId: string): Promise<SchoolRun | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { runId, sk: schoolKey(schoolId) } }),
    );
    return out.Item ? toSchoolRun(out.Item) : undefined;
  }

  /** A school's runs, newest first, a page at a time. */
  async listSchoolRuns(
    schoolId: string,
    page: { limit: number; after?: string | undefined },
  ): Promise<{ items: SchoolRun[]; nextAfter: string | null }> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'bySchool',
        KeyConditionExpression: 'schoolId = :schoolId',
        ExpressionAttributeValues: { ':schoolId': schoolId },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(page.after ? { ExclusiveStartKey: pageKeys.decode(page.after) } : {}),
      }),
    );
    return {
      items: (out.Items ?? []).map(toSchoolRun),
      nextAfter: pageKeys.encode(out.LastEvaluatedKey),
    };
  }

  /** Every school's part of a run. */
  async schoolRuns(runId: string): Promise<SchoolRun[]> {
    const items: SchoolRun[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'runId = :runId AND begins_with(sk, :school)',
          ExpressionAttributeValues: { ':runId': runId, ':school': 'SCHOOL#' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []).map(toSchoolRun));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** The run with its figures summed over its schools. */
  async progress(runId: string): Promise<RunProgress | undefined> {
    const run = await this.getRun(runId);
    if (!run) return undefined;
    const schools = await this.schoolRuns(runId);
    const total = (key: 'chunksTotal' | 'chunksDone' | 'studentsScored') =>
      schools.reduce((sum, school) => sum + (school[key] ?? 0), 0);
    return {
      ...run,
      schoolsDone: schools.filter((s) => s.status === 'DONE').length,
      schoolsFailed: schools.filter((s) => s.status === 'FAILED').length,
      chunksTotal: total('chunksTotal'),
      chunksDone: total('chunksDone'),
      studentsScored: total('studentsScored'),
    };
  }

  /** Ends the run: SUCCEEDED if every school was scored, PARTIAL if some were, FAILED if none. */
  async finishRun(runId: string, now = new Date()): Promise<RunProgress> {
    const progress = await this.progress(runId);
    if (!progress) throw new Error(`No scoring run ${runId}.`);
    const status: RunStatus =
      progress.schoolsFailed === 0 ? 'SUCCEEDED' : progress.schoolsDone > 0 ? 'PARTIAL' : 'FAILED';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { runId, sk: 'RUN' },
        UpdateExpression: 'SET #status = :status, finishedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':now': now.toISOString() },
      }),
    );
    return { ...progress, status, finishedAt: now.toISOString() };
  }
}
