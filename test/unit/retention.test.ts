import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { retentionDays } from '../../lib/retention';

describe('log retention', () => {
  it('uses an allowed CloudWatch period that keeps logs at least as long as asked', () => {
    expect(retentionDays(14)).toBe(RetentionDays.TWO_WEEKS);
    expect(retentionDays(15)).toBe(RetentionDays.ONE_MONTH);
    expect(retentionDays(365)).toBe(RetentionDays.ONE_YEAR);
  });

  it('never turns a long period into infinite retention', () => {
    expect(retentionDays(3653)).toBe(RetentionDays.TEN_YEARS);
    expect(() => retentionDays(4000)).toThrow(/No CloudWatch log retention/);
  });
});
