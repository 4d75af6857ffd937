import { type LocalSchedule, schedulesIn } from '../scheduler/local-scheduler';
import { stateMachinesIn } from './state-machine-catalog';
import { startStepFunctionsServer } from './step-functions-server';
import { StepFunctionsService, type StepFunctionsServiceOptions } from './step-functions-service';
import type { LocalAwsEnvironment } from './template-values';
import { synthesizeWorkflowTemplates, type WorkflowStacks } from './workflow-templates';

export interface LocalStepFunctionsOptions
  extends Omit<StepFunctionsServiceOptions, 'stateMachines'>, LocalAwsEnvironment {
  /** Adds the stacks whose state machines run here. @default none: the endpoint serves no state machine */
  readonly workflowStacks?: WorkflowStacks;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface LocalStepFunctions {
  readonly url: string;
  readonly service: StepFunctionsService;
  /** The schedules of the same stacks, which the local scheduler fires. */
  readonly schedules: readonly LocalSchedule[];
  close(): Promise<void>;
}

/**
 * Synthesizes the workflow stacks, binds their state machines to local handlers and serves
 * the Step Functions API; their schedules are returned for the local scheduler.
 */
export async function startStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const stacks = options.workflowStacks ? synthesizeWorkflowTemplates(options.workflowStacks) : [];
  const stateMachines = stateMachinesIn(stacks, options);
  const service = new StepFunctionsService({ ...options, stateMachines });
  const server = await startStepFunctionsServer({ service, port: options.port });
  return {
    url: server.url,
    service,
    schedules: schedulesIn(stacks, options),
    close: async () => {
      await server.close();
      await service.close();
    },
  };
}
