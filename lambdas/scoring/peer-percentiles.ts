/**
 * Peer percentiles: where a student's term result in a subject stands among the class, the
 * grade and the school, as the mid-rank percentile (those below, plus half of those level,
 * over everyone), so ties share a value and the spread is the same at the top and bottom.
 */

/** One student's result in one subject (any scale: only the order matters). */
export interface SubjectResult {
  readonly studentId: string;
  readonly subject: string;
  readonly classId: string;
  readonly gradeLevelId: string;
  readonly result: number;
}

export interface PeerPercentiles {
  readonly studentId: string;
  readonly subject: string;
  /** 0–100, within the student's class, grade and school. */
  readonly class: number;
  readonly grade: number;
  readonly school: number;
}

/** Mid-rank percentile of each value among `values`, in O(n log n). */
function midRanks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upperBound = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return values.map((x) => {
    const below = lowerBound(x);
    const level = upperBound(x) - below;
    return Math.round(((below + level / 2) / sorted.length) * 1000) / 10;
  });
}

/** Percentiles within groups sharing a key, in the order of `results`. */
function withinGroups(results: readonly SubjectResult[], key: (r: SubjectResult) => string): number[] {
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => groups.set(key(r), [...(groups.get(key(r)) ?? []), i]));
  const out = new Array<number>(results.length);
  for (const members of groups.values()) {
    const ranks = midRanks(members.map((i) => results[i]!.result));
    members.forEach((i, k) => (out[i] = ranks[k]!));
  }
  return out;
}

export function peerPercentiles(results: readonly SubjectResult[]): PeerPercentiles[] {
  const inClass = withinGroups(results, (r) => `${r.subject}|${r.classId}`);
  const inGrade = withinGroups(results, (r) => `${r.subject}|${r.gradeLevelId}`);
  const inSchool = withinGroups(results, (r) => r.subject);
  return results.map((r, i) => ({
    studentId: r.studentId,
    subject: r.subject,
    class: inClass[i]!,
    grade: inGrade[i]!,
    school: inSchool[i]!,
  }));
}
