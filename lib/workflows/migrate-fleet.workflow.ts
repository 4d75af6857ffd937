import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { lifecycleStateMachine, retryTransient, stepTask } from './workflow-parts';

export interface MigrateFleetWorkflowProps {
  readonly config: StageConfig;
  /** Runs the fleet steps: plan the waves, migrate one school, check a wave, report. */
  readonly fleetSteps: IFunction;
  /** How many schools one wave migrates at once (after the canary, which is alone). @default 10 */
  readonly maxConcurrency?: number;
}

/**
 * The fleet migration state machine: plan → the canary school alone → a first share of
 * the rest → all the others, each wave a Map with bounded concurrency whose failed
 * schools are recorded rather than thrown, and a check after each wave that stops the run
 * (FAILED, with the report naming the schools) once failures pass the request's
 * threshold. Schools already up to date are not in any wave, so running it again changes
 * nothing. The state carries every school's outcome, which keeps one run to about two
 * thousand schools.
 */
export class MigrateFleetWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: MigrateFleetWorkflowProps) {
    super(scope, id);
    const fn = props.fleetSteps;
    const results = { plan: sfn.JsonPath.objectAt('$.plan'), results: sfn.JsonPath.objectAt('$.results') };
    const broken = new sfn.Fail(this, 'Fleet migration failed', {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    const guard = <T extends sfn.TaskStateBase>(task: T): T => {
      retryTransient(task).addCatch(broken, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task;
    };

    const stopped = new sfn.Fail(this, 'Fleet migration stopped', {
      error: 'FleetMigrationStopped',
      causePath: '$.report.summary',
    });
    const reportStopped = guard(stepTask(this, 'Report stopped migration', fn, 'report', results, '$.report'));
    reportStopped.next(stopped);
    const migrated = new sfn.Succeed(this, 'Fleet migrated', { outputPath: '$.report' });
    const reportDone = guard(stepTask(this, 'Report fleet migration', fn, 'report', results, '$.report'));
    reportDone.next(migrated);

    const wave = (key: 'canary' | 'early' | 'rest', label: string, concurrency: number, next: sfn.IChainable) => {
      const failure = new sfn.Pass(this, `Record failed ${label} school`, {
        parameters: {
          'schoolId.$': '$.schoolId',
          'slug.$': '$.slug',
          outcome: 'failed',
          'error.$': '$.failure.Error',
          'cause.$': '$.failure.Cause',
        },
      });
      const migrateOne = retryTransient(
        stepTask(this, `Migrate ${label} school`, fn, 'migrate-school', { school: sfn.JsonPath.entirePayload }),
      ).addCatch(failure, { errors: ['States.ALL'], resultPath: '$.failure' });
      const map = new sfn.Map(this, `Migrate ${label} wave`, {
        itemsPath: `$.plan.waves.${key}`,
        maxConcurrency: concurrency,
        resultPath: `$.results.${key}`,
      }).itemProcessor(migrateOne);
      const check = guard(stepTask(this, `Check after ${label} wave`, fn, 'check-waves', results, '$.check'));
      const stop = new sfn.Choice(this, `Stop after ${label} wave?`)
        .when(sfn.Condition.booleanEquals('$.check.stop', true), reportStopped)
        .otherwise(next);
      return sfn.Chain.start(map).next(check).next(stop);
    };

    const concurrency = props.maxConcurrency ?? 10;
    const rest = wave('rest', 'remaining', concurrency, reportDone);
    const early = wave('early', 'early', concurrency, rest);
    const canary = wave('canary', 'canary', 1, early);
    const plan = guard(stepTask(this, 'Plan waves', fn, 'plan-waves', { input: sfn.JsonPath.entirePayload }, '$.plan'));
    const start = new sfn.Pass(this, 'Start results', { result: sfn.Result.fromObject({}), resultPath: '$.results' });

    this.stateMachine = lifecycleStateMachine(this, {
      config: props.config,
      name: 'migrate-fleet',
      definition: sfn.Chain.start(plan).next(start).next(canary),
      timeout: Duration.hours(12),
      functions: [fn],
    });
  }
}
