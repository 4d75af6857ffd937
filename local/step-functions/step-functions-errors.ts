/** The service's error names, which the endpoint returns as `__type`. */
export type StepFunctionsErrorType =
  | 'TaskDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'ValidationException';

export class StepFunctionsError extends Error {
  constructor(
    readonly type: StepFunctionsErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}
