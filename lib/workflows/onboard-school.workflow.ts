import { Duration } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { OnboardingStepName } from '../../lambdas/onboarding/onboarding-steps';
import type { StageConfig } from '../config';
import { emitEvent, lifecycleStateMachine, notifyOperator, retryTransient, stepTask } from './workflow-parts';

/** The one event an onboarding execution ends with. */
export const onboardingEventTypes = { succeeded: 'SchoolOnboarded', failed: 'SchoolOnboardingFailed' } as const;

export interface OnboardSchoolWorkflowProps {
  readonly config: StageConfig;
  /** Runs the steps on the tenant directory (validate, slots, registration, status). */
  readonly directorySteps: IFunction;
  /** Runs the steps in the shard group (database, migrations, defaults). */
  readonly databaseSteps: IFunction;
  /** Runs the steps in the user directory (the first admin). */
  readonly adminUserSteps: IFunction;
  /** Where the operator is told how each onboarding ended. */
  readonly operatorTopic: ITopic;
  /** @default the account's default event bus */
  readonly eventBus?: IEventBus;
}

/**
 * The onboarding state machine: validate → reserve a slot → register PROVISIONING →
 * role, database and secret → migrations → defaults → first admin → ACTIVE → one
 * `SchoolOnboarded` event and a note to the operator. Any failure after validation runs
 * the compensation in reverse (admin, database, directory record, slot), each step
 * tolerant of what was never made, then one `SchoolOnboardingFailed` event, and ends
 * FAILED with the reason. Standard workflow, logged (without execution data, which holds
 * the admin's e-mail) and traced.
 */
export class OnboardSchoolWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: OnboardSchoolWorkflowProps) {
    super(scope, id);

    // Without a result path the step's output replaces the state (validation's does).
    const step = (label: string, fn: IFunction, stepName: OnboardingStepName, resultPath?: string) =>
      stepTask(
        this,
        label,
        fn,
        stepName,
        stepName === 'validate' ? { input: sfn.JsonPath.entirePayload } : { state: sfn.JsonPath.entirePayload },
        resultPath,
      );
    const forward = retryTransient;
    // Compensation must finish: any error is retried, and one that persists is recorded and passed over.
    const undo = (task: sfn.TaskStateBase, next: sfn.IChainable, failurePath: string) =>
      task
        .addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2 })
        .addCatch(next, { errors: ['States.ALL'], resultPath: failurePath })
        .next(next);
    const emit = (label: string, detailType: string, detail: Record<string, unknown>) =>
      emitEvent(this, label, detailType, detail, props.eventBus);
    const notify = (label: string, subject: string, message: string) =>
      notifyOperator(this, label, props.operatorTopic, subject, message);
    const failure = {
      'error.$': '$.failure.Error',
      'cause.$': '$.failure.Cause',
    };

    /**
     * How a failed run ends: one failure event, a note to the operator, then FAILED with
     * the error that sent it there. A note that cannot be sent does not stop the end.
     */
    const failedEnd = (
      labels: { event: string; notice: string; fail: string },
      detail: Record<string, unknown>,
      subject: string,
      message: string,
    ) => {
      const end = new sfn.Fail(this, labels.fail, { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
      const notice = notify(labels.notice, subject, message);
      notice.addCatch(end, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
      const event = emit(labels.event, onboardingEventTypes.failed, { ...detail, ...failure });
      event.addCatch(end, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
      event.next(notice).next(end);
      return event;
    };

    // Invalid input: nothing was made, so nothing to undo.
    const rejection = failedEnd(
      { event: 'Emit rejection event', notice: 'Notify operator of rejection', fail: 'Onboarding rejected' },
      {},
      'Campus Cloud: onboarding rejected',
      sfn.JsonPath.format(
        'An onboarding request was rejected ({}); execution {} has the details.',
        sfn.JsonPath.stringAt('$.failure.Error'),
        sfn.JsonPath.executionId,
      ),
    );

    // Compensation, in reverse order of the forward steps.
    const failedEvent = failedEnd(
      { event: 'Emit failure event', notice: 'Notify operator of failure', fail: 'Onboarding failed' },
      { 'schoolId.$': '$.schoolId', 'slug.$': '$.request.slug' },
      'Campus Cloud: onboarding failed',
      sfn.JsonPath.format(
        'Onboarding {} failed ({}) and was undone; execution {} has the details.',
        sfn.JsonPath.stringAt('$.request.slug'),
        sfn.JsonPath.stringAt('$.failure.Error'),
        sfn.JsonPath.executionId,
      ),
    );
    const releaseSlot = step('Release slot', props.directorySteps, 'release-slot', sfn.JsonPath.DISCARD);
    const markFailed = step('Mark school failed', props.directorySteps, 'mark-failed', sfn.JsonPath.DISCARD);
    const removeDatabase = step('Remove database', props.databaseSteps, 'remove-database', sfn.JsonPath.DISCARD);
    const removeAdmin = step('Remove admin user', props.adminUserSteps, 'remove-admin', sfn.JsonPath.DISCARD);
    undo(releaseSlot, failedEvent, '$.undoFailures.releaseSlot');
    undo(markFailed, releaseSlot, '$.undoFailures.markFailed');
    undo(removeDatabase, markFailed, '$.undoFailures.removeDatabase');
    undo(removeAdmin, removeDatabase, '$.undoFailures.removeAdmin');
    const compensate = (task: sfn.TaskStateBase) =>
      task.addCatch(removeAdmin, { errors: ['States.ALL'], resultPath: '$.failure' });

    // The forward path.
    const validate = forward(step('Validate request', props.directorySteps, 'validate')).addCatch(rejection, {
      errors: ['States.ALL'],
      resultPath: '$.failure',
    });
    const steps = [
      step('Reserve shard group slot', props.directorySteps, 'reserve-slot', '$.placement'),
      step('Register school', props.directorySteps, 'register-school', sfn.JsonPath.DISCARD),
      step('Create role, database and secret', props.databaseSteps, 'create-database', '$.database'),
      step('Run migrations', props.databaseSteps, 'run-migrations', '$.migration'),
      step('Seed defaults', props.databaseSteps, 'seed-defaults', '$.defaults'),
      step('Create first admin', props.adminUserSteps, 'create-admin', '$.adminUser'),
      step('Record admin as staff', props.databaseSteps, 'record-admin', sfn.JsonPath.DISCARD),
      step('Activate school', props.directorySteps, 'activate', '$.activation'),
    ].map((task) => compensate(forward(task)));

    const live = new sfn.Succeed(this, 'School is live', { outputPath: '$.result' });
    const result = new sfn.Pass(this, 'Onboarding result', {
      parameters: {
        'schoolId.$': '$.schoolId',
        'slug.$': '$.request.slug',
        'name.$': '$.request.name',
        status: 'ACTIVE',
        'shardGroupId.$': '$.activation.shardGroupId',
        'schemaVersion.$': '$.activation.schemaVersion',
        'adminEmail.$': '$.adminUser.email',
      },
      resultPath: '$.result',
    });
    const liveNotice = notify(
      'Notify operator',
      'Campus Cloud: school onboarded',
      sfn.JsonPath.format(
        '{} ({}) is live on Campus Cloud in shard group {}.',
        sfn.JsonPath.stringAt('$.request.name'),
        sfn.JsonPath.stringAt('$.request.slug'),
        sfn.JsonPath.stringAt('$.activation.shardGroupId'),
      ),
    );
    // The school is live whatever happens to the note; the event, though, must be sent.
    liveNotice.addCatch(result, { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD });
    const liveEvent = emit('Emit onboarded event', onboardingEventTypes.succeeded, {
      'schoolId.$': '$.schoolId',
      'slug.$': '$.request.slug',
      'name.$': '$.request.name',
      'plan.$': '$.request.plan',
      'shardGroupId.$': '$.activation.shardGroupId',
      'schemaVersion.$': '$.activation.schemaVersion',
    });
    liveEvent.addCatch(
      new sfn.Fail(this, 'Onboarded, event not sent', {
        error: 'EventNotSent',
        cause: 'The school is ACTIVE, but the SchoolOnboarded event could not be sent.',
      }),
      { errors: ['States.ALL'], resultPath: sfn.JsonPath.DISCARD },
    );

    let chain = sfn.Chain.start(validate);
    for (const task of steps) chain = chain.next(task);
    chain.next(liveEvent).next(liveNotice).next(result).next(live);

    this.stateMachine = lifecycleStateMachine(this, {
      config: props.config,
      name: 'onboard-school',
      definition: chain,
      timeout: Duration.hours(1),
      functions: [props.directorySteps, props.databaseSteps, props.adminUserSteps],
    });
  }
}
