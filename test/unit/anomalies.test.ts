import { describe, expect, it } from 'vitest';
import { anomalyFlags, binomialTail, mad, median } from '../../lambdas/scoring/anomalies';
import { defaultAnomalySettings } from '../../lambdas/shared/analytics-settings';
import { anomalyDetectionQuality, syntheticCohort } from '../../scripts/model/anomaly-quality';

describe('anomaly flags', () => {
  it('uses robust statistics and an exact binomial tail', () => {
    expect(median([1, 3, 2, 100])).toBe(2.5);
    expect(mad([1, 1, 1, 1, 9])).toBe(0);
    expect(mad([1, 2, 3, 4, 5])).toBeCloseTo(1.4826, 4);
    expect(binomialTail(0, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialTail(10, 10, 0.9)).toBeCloseTo(1, 12);
  });

  it('finds injected drops in attendance and grades, not shared dips or steady low attenders', () => {
    const quality = anomalyDetectionQuality([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quality.attendance.precision).toBeGreaterThanOrEqual(0.9);
    expect(quality.attendance.recall).toBeGreaterThanOrEqual(0.9);
    expect(quality.grades.precision).toBeGreaterThanOrEqual(0.9);
    expect(quality.grades.recall).toBeGreaterThanOrEqual(0.9);
  });

  it('explains each flag in a teacher’s words and follows the school’s thresholds', () => {
    const { histories } = syntheticCohort(1);
    const flags = anomalyFlags(histories);
    expect(flags.find((f) => f.kind === 'attendance')!.reason).toMatch(
      /^attendance fell from \d+ % to \d+ % over the last 2 weeks$/,
    );
    expect(flags.find((f) => f.kind === 'grades')!.reason).toMatch(/^latest score \d+ %, against a usual \d+ %$/);
    const strict = anomalyFlags(histories, { ...defaultAnomalySettings, minAttendanceDrop: 1.01, minGradeDrop: 1.01 });
    expect(strict).toEqual([]);
  });
});
