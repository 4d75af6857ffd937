import type { SynthesizedStack } from '../step-functions/template-values';
import { type LocalAwsEnvironment, TemplateValues } from '../step-functions/template-values';
import { type NextFire, nextFireOf } from './schedule-expressions';

/** A schedule of the synthesized templates, as the local platform fires it. */
export interface LocalSchedule {
  readonly name: string;
  readonly expression: string;
  readonly timezone: string;
  /** The state machine it starts or the function it invokes, and the input it gives it. */
  readonly targetArn: string;
  readonly input: string;
  readonly enabled: boolean;
}

/** Every EventBridge Scheduler schedule of the templates, with its target resolved to a local ARN. */
export function schedulesIn(stacks: readonly SynthesizedStack[], environment: LocalAwsEnvironment): LocalSchedule[] {
  const values = new TemplateValues(stacks, environment);
  return stacks.flatMap(({ template }) =>
    Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::Scheduler::Schedule')
      .map(([logicalId, resource]) => {
        const properties = values.resolve(template, resource.Properties ?? {}) as {
          Name?: string;
          ScheduleExpression: string;
          ScheduleExpressionTimezone?: string;
          State?: string;
          Target: { Arn: string; Input?: string };
        };
        return {
          name: properties.Name ?? logicalId,
          expression: properties.ScheduleExpression,
          timezone: properties.ScheduleExpressionTimezone ?? 'UTC',
          targetArn: properties.Target.Arn,
          input: properties.Target.Input ?? '{}',
          enabled: properties.State !== 'DISABLED',
        };
      }),
  );
}

export interface LocalScheduler {
  /** When each enabled schedule fires next. */
  nextFires(): { name: string; at: Date }[];
  /** Fires a schedule now, as its time coming would. */
  fire(name: string): void;
  stop(): Promise<void>;
}

/** Longest a Node.js timer waits; a later fire time is reached in steps. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * EventBridge Scheduler on this machine: each enabled schedule starts its state machine (or
 * invokes its function) at its times, with its input. A time missed while the platform was stopped is not made up.
 */
export function startLocalScheduler(options: {
  schedules: readonly LocalSchedule[];
  /** Fire at the schedules' times; without it, schedules fire only through `fire`. */
  timed: boolean;
  start: (targetArn: string, input: string) => void;
  now?: () => Date;
  log?: (line: string) => void;
}): LocalScheduler {
  const now = options.now ?? (() => new Date());
  const timers = new Map<string, NodeJS.Timeout>();
  const upcoming = new Map<string, Date>();
  const enabled = options.schedules.filter((schedule) => schedule.enabled);
  const byName = new Map(enabled.map((schedule) => [schedule.name, schedule]));
  const nextOf = new Map<string, NextFire>(enabled.map((s) => [s.name, nextFireOf(s.expression, s.timezone)]));

  const fire = (schedule: LocalSchedule) => {
    options.log?.(`[scheduler] ${schedule.name} starts ${schedule.targetArn.split(':').at(-1)}`);
    try {
      options.start(schedule.targetArn, schedule.input);
    } catch (error) {
      options.log?.(`[scheduler] ${schedule.name} could not start: ${String(error)}`);
    }
  };
  const arm = (schedule: LocalSchedule) => {
    const at = nextOf.get(schedule.name)!(now());
    if (!at) return;
    upcoming.set(schedule.name, at);
    const wait = at.getTime() - now().getTime();
    const timer = setTimeout(
      () => {
        if (now() >= at) fire(schedule);
        arm(schedule);
      },
      Math.max(0, Math.min(wait, maxTimerMs)),
    );
    timer.unref();
    timers.set(schedule.name, timer);
  };
  if (options.timed) for (const schedule of enabled) arm(schedule);

  return {
    nextFires: () => [...upcoming].map(([name, at]) => ({ name, at })),
    fire: (name) => {
      const schedule = byName.get(name);
      if (!schedule) throw new Error(`No enabled schedule ${name}.`);
      fire(schedule);
    },
    stop: async () => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
