import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LocalFunction } from './local-function';

/** What the local runtime gives every function beyond its own environment, as Lambda's does. */
export type RuntimeEnvironment = (fn: LocalFunction) => Readonly<Record<string, string>>;

export interface FunctionHostOptions {
  readonly projectRoot: string;
  /** The runtime's part of each function's environment: region, credentials, endpoints. */
  readonly runtime: RuntimeEnvironment;
  readonly log?: (line: string) => void;
}

export class FunctionTimeoutError extends Error {
  override readonly name = 'Sandbox.Timedout';
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** One function's worker: started on its first invocation, its invocations by id. */
class FunctionInstance {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private exited: Error | undefined;

  constructor(
    readonly fn: LocalFunction,
    options: FunctionHostOptions,
  ) {
    this.worker = new Worker(join(options.projectRoot, 'local', 'lambda', 'function-worker.mjs'), {
      // Exactly the function's environment and the runtime's: nothing of this process.
      env: { ...fn.environment, ...options.runtime(fn) },
      workerData: {
        entry: join(options.projectRoot, fn.entry),
        functionName: fn.name,
        functionArn: fn.arn,
        memorySize: fn.memorySize,
      },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on('message', ({ id, result, error }: { id: string; result?: unknown; error?: Error }) => {
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      if (error) waiting.reject(Object.assign(new Error(error.message), { name: error.name, stack: error.stack }));
      else waiting.resolve(result);
    });
    const fail = (error: Error) => {
      this.exited = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`The execution environment of ${fn.name} exited (${code}).`)));
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  invoke(event: unknown, requestId: string): Promise<unknown> {
    const id = randomUUID();
    const deadline = Date.now() + this.fn.timeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, event, requestId, deadline });
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Runs the platform's functions locally as Lambda runs them: each in an execution environment
 * of its own (a worker thread, started on its first invocation, with its own module caches),
 * seeing only the environment its synthesized `AWS::Lambda::Function` has and what the runtime
 * adds (region, its own credentials, the local endpoints), each invocation with its timeout.
 */
export class FunctionHost {
  private readonly instances = new Map<string, FunctionInstance>();

  constructor(private readonly options: FunctionHostOptions) {}

  /** Invokes a function with an event; resolves to what its handler returned (as JSON). */
  async invoke(fn: LocalFunction, event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    let instance = this.instances.get(fn.name);
    if (!instance?.alive) {
      instance = new FunctionInstance(fn, this.options);
      this.instances.set(fn.name, instance);
    }
    const running = instance.invoke(event, requestId);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`)),
        fn.timeoutMs,
      );
    });
    try {
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
      // Lambda would end a timed-out invocation; here it runs on, and its answer is dropped.
      running.catch(() => undefined);
    }
  }

  /** Stops every execution environment. */
  async close(): Promise<void> {
    await Promise.all([...this.instances.values()].map((instance) => instance.stop()));
    this.instances.clear();
  }
}
