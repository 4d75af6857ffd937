import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { emitEvent, lifecycleStateMachine, notifyOperator, retryTransient, stepTask } from './workflow-parts';

/** The event an offboarding that deleted its school ends with. */
export const offboardedEventType = 'SchoolOffboarded';

export interface OffboardSchoolWorkflowProps {
  readonly config: StageConfig;
  /** Runs the steps on the tenant directory (find, suspend, approval, status, slot). */
  readonly directorySteps: IFunction;
  /** Runs the steps in the shard group (archive, users, database). */
  readonly databaseSteps: IFunction;
  /** Where operators are asked for approval and told how it ended. */
  readonly operatorTopic: ITopic;
  /** How long an offboarding waits for approval before it gives up. @default 14 days */
  readonly approvalTimeout?: Duration;
}

/**
 * The offboarding state machine: find the school → SUSPENDED (read-only, so the archive is
 * a consistent picture) → archive every table as CSV with a manifest of row counts and
 * checksums → wait for an operator's approval (a task token, kept in the directory) →
 * OFFBOARDING → delete users, database, role and secret → release the slot → DELETED,
 * keeping the record and the archive for the stage's retention. Refused or unanswered,
 * the school goes back to how it was, its archive kept.
 */
export class OffboardSchoolWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OffboardSchoolWorkflowProps) {
    super(scope, id);
    const state = { state: sfn.JsonPath.entirePayload };
    const notify = (label: string, subject: string, message: string) =>
      notifyOperator(this, label, props.operatorTopic, subject, message);
    const failWith = (label: string) =>
      new sfn.Fail(this, label, { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });

    // Refused before anything changed.
    const refused = failWith('Offboarding refused');
    const find = retryTransient(
      stepTask(this, 'Find school', props.directorySteps, 'find-school', {
        request: sfn.JsonPath.entirePayload,
        run: sfn.JsonPath.executionName,
      }),
    ).addCatch(refused, { errors: ['States.ALL'], resultPath: '$.failure' });

    // Not approved, or failed before deletion began: back to how it was.
    const cancelled = failWith('Offboarding cancelled');
    const cancelledNotice = notify(
      'Notify operator of cancellation',
      'Campus Cloud: offboarding cancelled',
      sfn.JsonPath.format(
        'Offboarding {} was cancelled ({}); the school is back as it was and its archive is kept.',
        sfn.JsonPath.stringAt('$.school.slug'),
        sfn.JsonPath.stringAt('$.failure.Error'),
      ),
    );
    cancelledNotice.addCatch(cancelled, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD }).next(cancelled);
    const cancel = stepTask(
      this,
      'Restore school',
      props.directorySteps,
      'cancel-offboarding',
      state,
      sfn.JsonPath.DISCARD,
    )
      .addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 })
      .addCatch(cancelledNotice, { errors: ['States.ALL'], resultPath: '$.restoreFailure' });
    cancel.next(cancelledNotice);
    const beforeApproval = <T extends sfn.TaskStateBase>(task: T): T => {
      retryTransient(task).addCatch(cancel, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task;
    };

    const suspend = beforeApproval(
      stepTask(this, 'Suspend school', props.directorySteps, 'suspend-school', state, sfn.JsonPath.DISCARD),
    );
    const archive = beforeApproval(
      stepTask(this, 'Export archive', props.databaseSteps, 'export-archive', state, '$.archive'),
    );
    const askNotice = notify(
      'Ask operator for approval',
      'Campus Cloud: offboarding needs approval',
      sfn.JsonPath.format(
        '{} is suspended and archived at {}. Approve its deletion with `npm run approve -- --school {}` (or refuse with --reject).',
        sfn.JsonPath.stringAt('$.school.slug'),
        sfn.JsonPath.stringAt('$.archive.prefix'),
        sfn.JsonPath.stringAt('$.school.slug'),
      ),
    );
    const approval = new LambdaInvoke(this, 'Wait for approval', {
      lambdaFunction: props.directorySteps,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        step: 'request-approval',
        taskToken: sfn.JsonPath.taskToken,
        state: sfn.JsonPath.entirePayload,
      }),
      taskTimeout: sfn.Timeout.duration(props.approvalTimeout ?? Duration.days(14)),
      resultPath: '$.approval',
    });
    beforeApproval(approval);
    askNotice.addCatch(approval, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });

    // Approved: deletion runs to the end; what cannot finish stops for an operator.
    const incomplete = failWith('Offboarding incomplete');
    const afterApproval = <T extends sfn.TaskStateBase>(task: T): T => {
      task
        .addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 })
        .addCatch(incomplete, { errors: ['States.ALL'], resultPath: '$.failure' });
      return task;
    };
    const deletion = [
      stepTask(this, 'Begin deletion', props.directorySteps, 'begin-deletion', state, sfn.JsonPath.DISCARD),
      stepTask(this, 'Delete users', props.databaseSteps, 'delete-users', state, sfn.JsonPath.DISCARD),
      stepTask(
        this,
        'Delete database, role and secret',
        props.databaseSteps,
        'delete-database',
        state,
        sfn.JsonPath.DISCARD,
      ),
      stepTask(
        this,
        'Release shard group slot',
        props.directorySteps,
        'release-offboarded-slot',
        state,
        sfn.JsonPath.DISCARD,
      ),
      stepTask(this, 'Mark school deleted', props.directorySteps, 'mark-deleted', state, '$.deletion'),
    ].map(afterApproval);

    const done = new sfn.Succeed(this, 'School offboarded', { outputPath: '$.result' });
    const result = new sfn.Pass(this, 'Offboarding result', {
      parameters: {
        'schoolId.$': '$.school.schoolId',
        'slug.$': '$.school.slug',
        status: 'DELETED',
        'archivePrefix.$': '$.archive.prefix',
        'retainUntil.$': '$.deletion.retainUntil',
      },
      resultPath: '$.result',
    });
    const doneNotice = notify(
      'Notify operator of deletion',
      'Campus Cloud: school offboarded',
      sfn.JsonPath.format(
        '{} is DELETED; its archive {} is kept until {}.',
        sfn.JsonPath.stringAt('$.school.slug'),
        sfn.JsonPath.stringAt('$.archive.prefix'),
        sfn.JsonPath.stringAt('$.deletion.retainUntil'),
      ),
    );
    doneNotice.addCatch(result, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
    const doneEvent = emitEvent(this, 'Emit offboarded event', offboardedEventType, {
      'schoolId.$': '$.school.schoolId',
      'slug.$': '$.school.slug',
      'archivePrefix.$': '$.archive.prefix',
    }).addCatch(doneNotice, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });

    let chain = sfn.Chain.start(find).next(suspend).next(archive).next(askNotice).next(approval);
    for (const task of deletion) chain = chain.next(task);
    chain.next(doneEvent).next(doneNotice).next(result).next(done);

    this.stateMachine = lifecycleStateMachine(this, {
      config: props.config,
      name: 'offboard-school',
      definition: chain,
      timeout: Duration.days(15),
      functions: [props.directorySteps, props.databaseSteps],
    });
  }
}
