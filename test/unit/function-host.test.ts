import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project';
import { FunctionHost, FunctionTimeoutError } from '../../local/lambda/function-host';
import type { LocalFunction } from '../../local/lambda/local-function';

const probe = (name: string, environment: Record<string, string>, timeoutMs = 5_000): LocalFunction => ({
  name,
  arn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
  entry: 'test/fixtures/functions/environment-probe.handler.ts',
  timeoutMs,
  memorySize: 256,
  environment,
  roleArn: `arn:aws:iam::000000000000:role/${name}`,
});

interface ProbeResult {
  readonly variables: Record<string, string>;
  readonly invocations: number;
}

let host: FunctionHost | undefined;
afterEach(async () => {
  await host?.close();
  delete process.env.CAMPUS_HOST_ONLY;
});

describe('local functions, each in an execution environment of its own (worker threads)', () => {
  it('gives a function exactly its own variables and the runtime’s, nothing of the host process or of another function', async () => {
    process.env.CAMPUS_HOST_ONLY = 'the host process’s own';
    host = new FunctionHost({ projectRoot, runtime: (fn) => ({ AWS_LAMBDA_FUNCTION_NAME: fn.name }) });
    const one = (await host.invoke(probe('one', { ONLY_ONE: '1' }), null)) as ProbeResult;
    const two = (await host.invoke(probe('two', { ONLY_TWO: '2' }), null)) as ProbeResult;
    expect(one.variables).toEqual({ ONLY_ONE: '1', AWS_LAMBDA_FUNCTION_NAME: 'one' });
    expect(two.variables).toEqual({ ONLY_TWO: '2', AWS_LAMBDA_FUNCTION_NAME: 'two' });
  });

  it('keeps a function’s module state between its invocations, apart from another function of the same module', async () => {
    host = new FunctionHost({ projectRoot, runtime: () => ({}) });
    const first = probe('first', {});
    await host.invoke(first, null);
    expect(((await host.invoke(first, null)) as ProbeResult).invocations).toBe(2);
    expect(((await host.invoke(probe('second', {}), null)) as ProbeResult).invocations).toBe(1);
  });

  it('ends an invocation at its timeout as Lambda does, and carries a handler’s error back by name', async () => {
    host = new FunctionHost({ projectRoot, runtime: () => ({}) });
    const slow = probe('slow', {}, 300);
    await expect(host.invoke(slow, { sleepMs: 2_000 })).rejects.toBeInstanceOf(FunctionTimeoutError);
    await expect(host.invoke(probe('failing', {}), { throw: 'no such school' })).rejects.toMatchObject({
      name: 'ProbeFailure',
      message: 'no such school',
    });
  });
});
