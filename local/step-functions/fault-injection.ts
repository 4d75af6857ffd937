import { schoolIdIn, type StepEvent } from '../../lambdas/shared/step-event';

/**
 * Faults the local Step Functions injects into Task invocations, for tests of the lifecycle
 * workflows' Retry, Catch and compensation: a step of a function fails, with an error of the
 * given name, as if the function had thrown it. The functions themselves know nothing of it.
 */
export interface Fault {
  /** The step (`run-migrations`, `score-chunk`…) whose invocations fail. */
  readonly step: string;
  /** Only this school's invocations of the step. @default every school's */
  readonly schoolId?: string;
  /** The error's name, which Retry and Catch match. @default 'InjectedFault' */
  readonly error?: string;
  /** Fail this many attempts, then let the step run. @default every attempt */
  readonly times?: number;
}

export class FaultInjector {
  private faults: Fault[] = [];
  private readonly attempts = new Map<string, number>();

  inject(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Removes every fault (tests call it after each test). */
  clear(): void {
    this.faults = [];
    this.attempts.clear();
  }

  /** Throws the fault that applies to this invocation's payload, if one does. */
  failIfInjected(payload: unknown): void {
    if (!this.faults.length || payload === null || typeof payload !== 'object') return;
    const input = payload as StepEvent;
    const schoolId = schoolIdIn(input);
    const fault = this.faults.find(
      (candidate) => candidate.step === input.step && (!candidate.schoolId || candidate.schoolId === schoolId),
    );
    if (!fault) return;
    const key = `${fault.step}/${schoolId ?? ''}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    if (fault.times !== undefined && attempt > fault.times) return;
    const error = new Error(`Fault injected into ${fault.step} (attempt ${attempt}).`);
    error.name = fault.error ?? 'InjectedFault';
    throw error;
  }
}
