import type { LocalIam } from '../iam/local-iam';
import { functionCatalog, type FunctionCatalog } from '../lambda/function-catalog';
import { FunctionHost } from '../lambda/function-host';
import { type LocalSchedule, schedulesIn } from '../scheduler/local-scheduler';
import { stateMachinesIn } from './state-machine-catalog';
import { startStepFunctionsServer } from './step-functions-server';
import { StepFunctionsService, type StepFunctionsServiceOptions } from './step-functions-service';
import type { LocalAwsEnvironment, SynthesizedStack } from './template-values';
import { type AddStacks, synthesizeStacks } from '../stacks/synthesize-stacks';

export interface LocalStepFunctionsOptions
  extends Omit<StepFunctionsServiceOptions, 'stateMachines' | 'functions'>, LocalAwsEnvironment {
  /** The synthesized stacks whose state machines run here. */
  readonly stacks?: readonly SynthesizedStack[];
  /** Or stacks to synthesize for it. @default none: the endpoint serves no state machine */
  readonly workflowStacks?: AddStacks;
  /** Their functions. @default the stacks' own */
  readonly catalog?: FunctionCatalog;
  /** What runs those functions. @default a host of its own, giving them only a region */
  readonly functions?: FunctionHost;
  readonly projectRoot: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Checks each call's signature and its caller's IAM policies. @default none: any caller */
  readonly iam?: LocalIam;
}

export interface LocalStepFunctions {
  readonly url: string;
  readonly service: StepFunctionsService;
  /** The schedules of the same stacks, which the local scheduler fires. */
  readonly schedules: readonly LocalSchedule[];
  close(): Promise<void>;
}

/**
 * Binds the state machines of synthesized stacks to the functions they invoke and serves the
 * Step Functions API; their schedules are returned for the local scheduler.
 */
export async function startStepFunctions(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const stacks = options.stacks ?? (options.workflowStacks ? synthesizeStacks(options.workflowStacks) : []);
  const catalog = options.catalog ?? functionCatalog(stacks, options);
  const stateMachines = stateMachinesIn(stacks, options, catalog);
  const ownHost = options.functions
    ? undefined
    : new FunctionHost({ projectRoot: options.projectRoot, runtime: () => ({ AWS_REGION: options.region }) });
  const functions = options.functions ?? ownHost!;
  const service = new StepFunctionsService({ ...options, stateMachines, functions });
  const server = await startStepFunctionsServer({
    service,
    port: options.port,
    ...(options.iam ? { iam: options.iam } : {}),
  });
  return {
    url: server.url,
    service,
    schedules: schedulesIn(stacks, options),
    close: async () => {
      await server.close();
      await service.close();
      await ownHost?.close();
    },
  };
}
