/**
 * Anomaly flags: a sudden drop in a student's attendance or grades, judged against the
 * student's own history and the cohort's change over the same period. A drop the whole
 * cohort shares (a flu week, a hard test) is taken out first.
 *
 * - Attendance is counted in days: the recent days present are tested against the
 *   student's own rate before (a binomial tail), scaled by how the cohort's rate moved.
 * - Grades are judged with robust statistics: the latest score against the median of the
 *   student's earlier scores, in units of their median absolute deviation.
 */

import { type AnomalySettings, defaultAnomalySettings } from '../shared/analytics-settings';

/** One week of a student's attendance: school days, and days present (late counts as present). */
export interface AttendanceWeek {
  readonly days: number;
  readonly present: number;
}

/** One student's history, oldest first; scores are fractions of their maximum. */
export interface StudentHistory {
  readonly studentId: string;
  readonly attendance: readonly AttendanceWeek[];
  readonly scores: readonly number[];
}

export interface AnomalyFlag {
  readonly studentId: string;
  readonly kind: 'attendance' | 'grades';
  /** Usual level before, and the level now (0–1). */
  readonly before: number;
  readonly now: number;
  /** The fall beyond what the cohort went through. */
  readonly drop: number;
  /** For attendance, the chance of so few days at the usual rate; for grades, the robust z. */
  readonly evidence: number;
  /** One line for a teacher. */
  readonly reason: string;
}

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median absolute deviation, scaled to match a standard deviation for normal data. */
export function mad(values: readonly number[]): number {
  const centre = median(values);
  return 1.4826 * median(values.map((value) => Math.abs(value - centre)));
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialTail(k: number, n: number, p: number): number {
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= k; i += 1) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

const percent = (value: number) => `${Math.round(value * 100)} %`;
const sum = (weeks: readonly AttendanceWeek[], key: keyof AttendanceWeek) => weeks.reduce((s, w) => s + w[key], 0);

function attendanceFlags(histories: readonly StudentHistory[], settings: AnomalySettings): AnomalyFlag[] {
  const recent = settings.recentWeeks;
  const usable = histories.filter((h) => h.attendance.length >= recent + 3);
  const split = (h: StudentHistory) => ({ past: h.attendance.slice(0, -recent), now: h.attendance.slice(-recent) });
  const rate = (weeks: readonly AttendanceWeek[]) => sum(weeks, 'present') / Math.max(sum(weeks, 'days'), 1);
  // How the cohort's attendance moved, as a ratio: a flu week lowers everyone's expectation alike.
  const cohortPast = rate(usable.flatMap((h) => split(h).past));
  const cohortNow = rate(usable.flatMap((h) => split(h).now));
  const shared = cohortPast > 0 ? Math.min(1, cohortNow / cohortPast) : 1;
  return usable.flatMap((history) => {
    const { past, now } = split(history);
    // The usual rate, pulled slightly towards the middle so a short perfect record is not certainty.
    const usual = (sum(past, 'present') + 1) / (sum(past, 'days') + 2);
    const expected = usual * shared;
    const days = sum(now, 'days');
    const present = sum(now, 'present');
    const drop = expected - present / Math.max(days, 1);
    const chance = binomialTail(present, days, expected);
    if (drop < settings.minAttendanceDrop || chance >= settings.attendanceSignificance) return [];
    return [
      {
        studentId: history.studentId,
        kind: 'attendance' as const,
        before: usual,
        now: present / days,
        drop,
        evidence: chance,
        reason: `attendance fell from ${percent(usual)} to ${percent(present / days)} over the last ${recent} weeks`,
      },
    ];
  });
}

function gradeFlags(histories: readonly StudentHistory[], settings: AnomalySettings): AnomalyFlag[] {
  const usable = histories.filter((h) => h.scores.length >= 4);
  const changes = usable.map((h) => {
    const past = h.scores.slice(0, -1);
    return { h, before: median(past), now: h.scores.at(-1)!, spread: Math.max(mad(past), 0.03) };
  });
  // What the whole cohort lost on the latest assessment (a hard test) is not the student's drop.
  const shared = median(changes.map((c) => c.before - c.now));
  return changes.flatMap(({ h, before, now, spread }) => {
    const drop = before - now - shared;
    const z = drop / spread;
    if (drop < settings.minGradeDrop || z < settings.gradeZThreshold) return [];
    return [
      {
        studentId: h.studentId,
        kind: 'grades' as const,
        before,
        now,
        drop,
        evidence: z,
        reason: `latest score ${percent(now)}, against a usual ${percent(before)}`,
      },
    ];
  });
}

/** The students of one cohort (a class, a grade) whose attendance or grades fell unusually. */
export function anomalyFlags(
  histories: readonly StudentHistory[],
  settings: AnomalySettings = defaultAnomalySettings,
): AnomalyFlag[] {
  return [...attendanceFlags(histories, settings), ...gradeFlags(histories, settings)];
}
