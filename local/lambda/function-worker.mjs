// One local Lambda function's execution environment: a worker thread of its own, started with
// exactly the function's environment, that loads its handler module (TypeScript, through tsx)
// with module caches of its own, and runs each invocation it is sent.
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { entry, functionName, functionArn, memorySize } = workerData;
const handlerModule = import(pathToFileURL(entry).href);

/** A Lambda context, with the deadline of the invocation. */
function contextFor(requestId, deadline) {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId ?? randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

parentPort.on('message', async ({ id, event, requestId, deadline }) => {
  try {
    const { handler } = await handlerModule;
    const result = await handler(event, contextFor(requestId, deadline));
    // What crosses Lambda's boundary is JSON.
    parentPort.postMessage({ id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ id, error: { name: thrown.name, message: thrown.message, stack: thrown.stack } });
  }
});
