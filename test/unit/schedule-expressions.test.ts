import { describe, expect, it } from 'vitest';
import { nextFireOf, UnsupportedScheduleError } from '../../local/scheduler/schedule-expressions';

describe('EventBridge Scheduler expressions on the local platform', () => {
  it('fires a nightly cron at its time in its time zone', () => {
    const next = nextFireOf('cron(30 1 * * ? *)', 'UTC');
    expect(next(new Date('2026-11-26T21:00:00Z'))?.toISOString()).toBe('2026-11-27T01:30:00.000Z');
    expect(next(new Date('2026-11-27T01:30:00Z'))?.toISOString()).toBe('2026-11-28T01:30:00.000Z');
    // 01:30 in Lisbon is 01:30 UTC in winter and 00:30 UTC in summer.
    expect(nextFireOf('cron(30 1 * * ? *)', 'Europe/Lisbon')(new Date('2027-07-01T12:00:00Z'))?.toISOString()).toBe(
      '2027-07-02T00:30:00.000Z',
    );
  });

  it('reads AWS day-of-week numbers (1 is Sunday) and names alike', () => {
    // 2026-11-28 is a Saturday: the next Monday-to-Friday 09:00 is Monday the 30th.
    const weekdays = nextFireOf('cron(0 9 ? * 2-6 *)');
    expect(weekdays(new Date('2026-11-28T00:00:00Z'))?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(nextFireOf('cron(0 9 ? * MON-FRI *)')(new Date('2026-11-28T00:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
    expect(nextFireOf('cron(0 9 ? * 1 *)')(new Date('2026-11-28T00:00:00Z'))?.toISOString()).toBe(
      '2026-11-29T09:00:00.000Z',
    );
  });

  it('fires a rate after its interval, and refuses what it cannot run', () => {
    expect(nextFireOf('rate(2 hours)')(new Date('2026-11-26T21:00:00Z'))?.toISOString()).toBe(
      '2026-11-26T23:00:00.000Z',
    );
    expect(() => nextFireOf('cron(0 9 * * ? 2027)')).toThrow(UnsupportedScheduleError);
    expect(() => nextFireOf('at(2026-12-01T00:00:00)')).toThrow(UnsupportedScheduleError);
  });
});
