import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { drainSecondsAfterSwitch } from '../../lambdas/shared/directory-cache';
import { longestApiRequestSeconds } from '../api-functions';
import type { StageConfig } from '../config';
import { emitEvent, lifecycleStateMachine, notifyOperator, retryTransient, stepTask } from './workflow-parts';

/** The event a move that switched its school ends with. */
export const movedEventType = 'SchoolMoved';

export interface MoveSchoolWorkflowProps {
  readonly config: StageConfig;
  /** Runs the steps on the tenant directory (plan, slots, status, the switch). */
  readonly directorySteps: IFunction;
  /** Runs the steps in the shard groups (lock, copy, verify, drop). */
  readonly databaseSteps: IFunction;
  readonly operatorTopic: ITopic;
}

/**
 * The move state machine (rebalancing shard groups): plan → reserve a slot in the target
 * → MOVING and the source database read-only → copy it to the target (same role and
 * secret, the source's schema version, the data through an archive) → verify every
 * table's rows and checksum → switch the directory (the commit point) → wait out API
 * caches → drop the source → release its slot. Any failure before the switch drops the
 * copy, releases the target slot and makes the source writable and ACTIVE again: the
 * source itself is never changed.
 */
export class MoveSchoolWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: MoveSchoolWorkflowProps) {
    super(scope, id);
    const state = { state: sfn.JsonPath.entirePayload };
    const dir = props.directorySteps;
    const db = props.databaseSteps;
    const failWith = (label: string) =>
      new sfn.Fail(this, label, { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });

    const refused = failWith('Move refused');
    const plan = retryTransient(
      stepTask(this, 'Plan move', dir, 'plan-move', {
        request: sfn.JsonPath.entirePayload,
        run: sfn.JsonPath.executionName,
      }),
    ).addCatch(refused, { errors: ['States.ALL'], resultPath: '$.failure' });

    // Switching back: each step tolerant of what was never done, retried, and passed over if it keeps failing.
    const switchedBack = failWith('Move switched back');
    const backNotice = notifyOperator(
      this,
      'Notify operator of switch-back',
      props.operatorTopic,
      'Campus Cloud: school move switched back',
      sfn.JsonPath.format(
        'Moving {} to {} failed ({}); it stays in {}, unchanged.',
        sfn.JsonPath.stringAt('$.school.slug'),
        sfn.JsonPath.stringAt('$.to'),
        sfn.JsonPath.stringAt('$.failure.Error'),
        sfn.JsonPath.stringAt('$.from'),
      ),
    );
    backNotice.addCatch(switchedBack, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD }).next(switchedBack);
    const undo = (label: string, fn: IFunction, step: string, next: sfn.IChainable) => {
      const task = stepTask(this, label, fn, step, state, sfn.JsonPath.DISCARD)
        .addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 })
        .addCatch(next, { errors: ['States.ALL'], resultPath: `$.undoFailures.${step.replace(/-/g, '_')}` });
      task.next(next);
      return task;
    };
    const markBack = undo('Mark school active again', dir, 'mark-back-active', backNotice);
    const unlock = undo('Make source writable', db, 'unlock-source', markBack);
    const releaseTarget = undo('Release target slot', dir, 'release-target-slot', unlock);
    const dropTarget = undo('Drop target copy', db, 'drop-target', releaseTarget);
    const beforeSwitch = <T extends sfn.TaskStateBase>(task: T): T => {
      retryTransient(task).addCatch(dropTarget, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task;
    };

    const forward = [
      stepTask(this, 'Reserve target slot', dir, 'reserve-target-slot', state, sfn.JsonPath.DISCARD),
      stepTask(this, 'Mark school moving', dir, 'mark-moving', state, sfn.JsonPath.DISCARD),
      stepTask(this, 'Make source read-only', db, 'lock-source', state, sfn.JsonPath.DISCARD),
      stepTask(this, 'Copy database', db, 'copy-database', state, '$.copy'),
      stepTask(this, 'Verify copy', db, 'verify-copy', state, '$.verification'),
      stepTask(this, 'Switch directory', dir, 'switch-directory', state, '$.switch'),
    ].map(beforeSwitch);

    // After the switch the school lives in the target; what is left is tidying the source.
    const incomplete = failWith('Move incomplete');
    const afterSwitch = <T extends sfn.TaskStateBase>(task: T): T => {
      task
        .addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 })
        .addCatch(incomplete, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task;
    };
    // No API function may still reach the old database through a directory record it cached.
    const expire = new sfn.Wait(this, 'Let directory caches expire', {
      time: sfn.WaitTime.duration(
        Duration.seconds(
          drainSecondsAfterSwitch({
            directoryCacheSeconds: props.config.api.directoryCacheSeconds,
            longestRequestSeconds: longestApiRequestSeconds(props.config),
          }),
        ),
      ),
    });
    const dropSource = afterSwitch(stepTask(this, 'Drop source', db, 'drop-source', state, sfn.JsonPath.DISCARD));
    const releaseSource = afterSwitch(
      stepTask(this, 'Release source slot', dir, 'release-source-slot', state, sfn.JsonPath.DISCARD),
    );
    const done = new sfn.Succeed(this, 'School moved', { outputPath: '$.result' });
    const result = new sfn.Pass(this, 'Move result', {
      parameters: {
        'schoolId.$': '$.school.schoolId',
        'slug.$': '$.school.slug',
        'from.$': '$.from',
        'to.$': '$.to',
        'tables.$': '$.verification.tables',
        'rows.$': '$.copy.rows',
      },
      resultPath: '$.result',
    });
    const event = emitEvent(this, 'Emit moved event', movedEventType, {
      'schoolId.$': '$.school.schoolId',
      'slug.$': '$.school.slug',
      'from.$': '$.from',
      'to.$': '$.to',
    }).addCatch(result, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });

    let chain = sfn.Chain.start(plan);
    for (const task of forward) chain = chain.next(task);
    chain.next(expire).next(dropSource).next(releaseSource).next(event).next(result).next(done);

    this.stateMachine = lifecycleStateMachine(this, {
      config: props.config,
      name: 'move-school',
      definition: chain,
      timeout: Duration.hours(6),
      functions: [dir, db],
    });
  }
}
