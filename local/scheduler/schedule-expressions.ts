import { Cron } from 'croner';

/**
 * EventBridge Scheduler expressions on this machine: `cron(min hour day-of-month month
 * day-of-week year)` and `rate(n unit)`, the next time each fires. AWS numbers the days
 * of the week 1-7 from Sunday, croner 0-6; `?` means any; a year other than `*` is refused
 * (a schedule for one year is not what the platform runs).
 */
export type NextFire = (after: Date) => Date | undefined;

export class UnsupportedScheduleError extends Error {
  override readonly name = 'UnsupportedScheduleError';
}

const rateUnits: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function nextFireOf(expression: string, timezone = 'UTC'): NextFire {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const every = Number(rate[1]) * rateUnits[rate[2]!]!;
    return (after) => new Date(after.getTime() + every);
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = cron?.[1]!.trim().split(/\s+/);
  if (!fields || fields.length !== 6) throw new UnsupportedScheduleError(`Not a Scheduler expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new UnsupportedScheduleError(`Schedules for a given year are not run here: ${expression}`);
  const any = (field: string) => (field === '?' ? '*' : field);
  const weekday = any(dayOfWeek).replace(/\d+/g, (n) => String(Number(n) - 1));
  const pattern = [minute, hour, any(dayOfMonth), month, weekday].join(' ');
  const job = new Cron(pattern, { timezone, paused: true });
  return (after) => job.nextRun(after) ?? undefined;
}
