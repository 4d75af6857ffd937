/** A function of the synthesized templates, as the local platform runs it. */
export interface LocalFunction {
  /** Its physical name, as Lambda would have it. */
  readonly name: string;
  readonly arn: string;
  /** Handler module relative to the project root. */
  readonly entry: string;
  readonly timeoutMs: number;
  readonly memorySize: number;
  /** Exactly the variables its `AWS::Lambda::Function` sets, their values resolved locally. */
  readonly environment: Readonly<Record<string, string>>;
  /** Its execution role's ARN: whose permissions its calls have. */
  readonly roleArn: string;
}

/** An SQS event source mapping of the templates: which function a queue's messages go to. */
export interface LocalEventSource {
  readonly queueArn: string;
  readonly functionArn: string;
  readonly batchSize: number;
  readonly reportBatchItemFailures: boolean;
  /** Its `ScalingConfig.MaximumConcurrency`: batches it may hand its function at once. */
  readonly maximumConcurrency?: number;
}
