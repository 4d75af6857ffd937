import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { acknowledgeWildcards, nagAccountOf } from '../nag';
import { lifecycleStateMachine, retryTransient, stepTask } from './workflow-parts';

export interface ScoringRunWorkflowProps {
  readonly config: StageConfig;
  /** Runs the scoring steps: start, plan a school, score a chunk, finish or fail a school, finish. */
  readonly scoringSteps: IFunction;
  /** Applies a school's retention policy, first of the school's steps on a scheduled run. */
  readonly retentionSteps: IFunction;
}

/**
 * The scoring run: start (record the run, list the ACTIVE schools or the one asked for) →
 * a Distributed Map over the schools, each child execution applying the school's retention
 * policy (on the nightly, scheduled run; a failure there is logged and scoring goes on), planning its school's chunks
 * (one read) and scoring them in a Distributed Map of its own (each chunk one read and one
 * batched write) → finish the school and queue its analytics report → finish the run.
 *
 * A school whose part fails after its retries is recorded FAILED and the others go on;
 * the run ends PARTIAL. Every step is idempotent (a chunk counts once, results keep the
 * newest reading, one report per run), so a retried step or a re-driven run is safe.
 * The Maps take their items from the state (descriptors, not S3), which the local
 * platform runs as it is.
 */
export class ScoringRunWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ScoringRunWorkflowProps) {
    super(scope, id);
    const fn = props.scoringSteps;
    const { maxConcurrentSchools, maxConcurrentChunks } = props.config.scoring;

    const start = retryTransient(
      stepTask(this, 'Start scoring run', fn, 'start-run', {
        runId: sfn.JsonPath.executionName,
        input: sfn.JsonPath.entirePayload,
      }),
    );

    const schoolFailed = retryTransient(
      stepTask(this, 'Record failed school', fn, 'school-failed', {
        runId: sfn.JsonPath.stringAt('$.runId'),
        schoolId: sfn.JsonPath.stringAt('$.schoolId'),
        error: sfn.JsonPath.objectAt('$.failure'),
      }),
    );
    const guard = <T extends sfn.TaskStateBase | sfn.DistributedMap>(state: T): T => {
      state.addCatch(schoolFailed, { errors: ['States.ALL'], resultPath: '$.failure' });
      return state;
    };

    const at = (path: string) => sfn.JsonPath.stringAt(path);
    const retention = retryTransient(
      stepTask(
        this,
        'Apply retention policy',
        props.retentionSteps,
        'apply-retention',
        { runId: at('$.runId'), schoolId: at('$.schoolId'), trigger: at('$.trigger') },
        sfn.JsonPath.DISCARD,
      ),
    );
    const plan = guard(
      retryTransient(
        stepTask(this, 'Plan school', fn, 'plan-school', {
          runId: at('$.runId'),
          trigger: at('$.trigger'),
          chunkSize: sfn.JsonPath.numberAt('$.chunkSize'),
          schoolId: at('$.schoolId'),
        }),
      ),
    );
    const scoreChunk = retryTransient(
      stepTask(this, 'Score chunk', fn, 'score-chunk', {
        runId: at('$.runId'),
        schoolId: at('$.schoolId'),
        settings: sfn.JsonPath.objectAt('$.settings'),
        chunk: sfn.JsonPath.objectAt('$.chunk'),
      }),
    );
    scoreChunk.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 2, backoffRate: 2 });
    const chunks = guard(
      new sfn.DistributedMap(this, 'Score chunks', {
        itemsPath: '$.chunks',
        itemSelector: {
          'runId.$': '$.runId',
          'schoolId.$': '$.schoolId',
          'settings.$': '$.settings',
          'chunk.$': '$$.Map.Item.Value',
        },
        maxConcurrency: maxConcurrentChunks,
        label: 'ScoreChunks',
        resultPath: sfn.JsonPath.DISCARD,
      }).itemProcessor(scoreChunk),
    );
    const finishSchool = guard(
      retryTransient(
        stepTask(this, 'Finish school', fn, 'finish-school', {
          runId: sfn.JsonPath.stringAt('$.runId'),
          schoolId: sfn.JsonPath.stringAt('$.schoolId'),
        }),
      ),
    );
    const schools = new sfn.DistributedMap(this, 'Score schools', {
      itemsPath: '$.schools',
      itemSelector: {
        'runId.$': '$.runId',
        'trigger.$': '$.trigger',
        'chunkSize.$': '$.chunkSize',
        'schoolId.$': '$$.Map.Item.Value.schoolId',
      },
      maxConcurrency: maxConcurrentSchools,
      label: 'ScoreSchools',
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(sfn.Chain.start(retention).next(plan).next(chunks).next(finishSchool));
    // The school's records past their policy wait for the next night: scoring does not.
    retention.addCatch(plan, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });

    const finish = retryTransient(
      stepTask(this, 'Finish scoring run', fn, 'finish-run', { runId: sfn.JsonPath.stringAt('$.runId') }),
    );

    this.stateMachine = lifecycleStateMachine(this, {
      config: props.config,
      name: 'scoring-run',
      definition: sfn.Chain.start(start).next(schools).next(finish),
      timeout: Duration.hours(6),
      functions: [fn, props.retentionSteps],
    });
    // What CDK grants a state machine with Distributed Maps: start and manage its own child executions.
    const executions = `arn:aws:states:${Stack.of(this).region}:${nagAccountOf(Stack.of(this))}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(this).getLogicalId(this.stateMachine.node.defaultChild as CfnElement)}"}]}]}`;
    acknowledgeWildcards(
      this.stateMachine,
      { resources: [`${executions}:*`, `${executions}/ScoreSchools:*`, `${executions}/ScoreChunks:*`] },
      'Distributed Map child executions and map runs are named at run time; the ARNs stay within this state machine.',
    );
  }
}
