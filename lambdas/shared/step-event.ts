/** What a Task of the state machines sends its function: the step to run, and its input. */
export interface StepEvent {
  readonly step: string;
  readonly [input: string]: unknown;
}

/** What it returns becomes the Task's output (a promise is awaited). */
export type StepRunner = (event: StepEvent) => unknown;

/** The school a step works on, wherever its input carries it. */
export function schoolIdIn(event: StepEvent): string | undefined {
  if (typeof event.schoolId === 'string') return event.schoolId;
  type Carrier = { schoolId?: unknown; school?: { schoolId?: unknown } } | undefined;
  for (const key of ['state', 'school']) {
    const value = event[key] as Carrier;
    const id = value?.schoolId ?? value?.school?.schoolId;
    if (typeof id === 'string') return id;
  }
  return undefined;
}
