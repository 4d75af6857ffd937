import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './observability';

/**
 * Publishes the metrics an invocation recorded (the Data API client's `DataApiErrors` and
 * `DataApiCalls` among them), on success and on failure alike. Only when there are some:
 * Powertools' own middleware warns on every invocation that records none, which is most.
 */
function publishRecordedMetrics<E, R>(): middy.MiddlewareObj<E, R> {
  const publish = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}

/** What a kind of handler does with an error its own code let through. */
export interface ErrorPolicy<R> {
  /**
   * The result the caller gets instead (the API's JSON error, never a stack trace). Without
   * it the error is logged and reaches the caller as it is: Step Functions' Retry and Catch
   * match its name, SQS delivers the batch again.
   */
  readonly answer?: (error: unknown) => R;
  /**
   * How an error let through is logged. @default 'error'; a workflow step's is a `warn`: its
   * state machine's Retry and Catch handle it, and a failed execution is what is alarmed; `none`
   * when the error is the function's answer by contract (an authorizer's `Unauthorized`) and the
   * handler has logged why.
   */
  readonly logAs?: 'warn' | 'error' | 'none';
}

/**
 * Every function of the platform, whatever calls it (the HTTP API, a state machine's Task,
 * an SQS event source, Cognito): Powertools logging with the Lambda context and fresh keys,
 * X-Ray tracing, the invocation's metrics published, and its errors handled by the kind's
 * policy. The kinds (`apiHandler`, `stepHandler`, `schoolJobWorker`, the rescoring
 * consumer) differ only in what they do around `handle` and in their `ErrorPolicy`.
 */
export function lambdaHandler<E, R>(
  handle: (event: E, context: Context) => Promise<R>,
  errors: ErrorPolicy<R> = {},
): middy.MiddyfiedHandler<E, R, Error, Context> {
  return middy<E, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(publishRecordedMetrics<E, R>())
    .handler(async (event, context) => {
      try {
        return await handle(event, context);
      } catch (error) {
        if (errors.answer) return errors.answer(error);
        const logAs = errors.logAs ?? 'error';
        if (logAs !== 'none') logger[logAs]('invocation failed', error as Error);
        throw error;
      }
    });
}
