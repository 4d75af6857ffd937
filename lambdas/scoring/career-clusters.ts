import { type CareerCluster, defaultCareerClusters } from '../shared/analytics-settings';

/**
 * Career-cluster suggestions from a student's subject strengths relative to the cohort
 * (school-level peer percentiles). The subject → cluster mapping is data a school edits
 * in its analytics settings; `defaultCareerClusters` is where it starts.
 */

export interface CareerSuggestion {
  readonly clusterId: string;
  readonly name: string;
  /** Mean school percentile of the cluster's subjects the student takes (0–100). */
  readonly strength: number;
  /** One line for the student and their teachers. */
  readonly reason: string;
}

const ordinal = (n: number) => {
  const rounded = Math.round(n);
  const suffix = rounded % 100 >= 11 && rounded % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][rounded % 10] ?? 'th');
  return `${rounded}${suffix}`;
};

/**
 * The clusters where the student is strongest against the school, at most `limit`, each
 * above `minimumStrength`; a cluster counts only subjects the student has a result in.
 */
export function careerSuggestions(
  percentiles: readonly { subject: string; school: number }[],
  subjectNames: Readonly<Record<string, string>>,
  clusters: readonly CareerCluster[] = defaultCareerClusters,
  options: { limit?: number; minimumStrength?: number } = {},
): CareerSuggestion[] {
  const bySubject = new Map(percentiles.map((p) => [p.subject, p.school]));
  return clusters
    .flatMap((cluster) => {
      const taken = cluster.subjects.filter((subject) => bySubject.has(subject));
      if (!taken.length) return [];
      const strength = taken.reduce((sum, subject) => sum + bySubject.get(subject)!, 0) / taken.length;
      const parts = taken.map(
        (subject) => `${subjectNames[subject] ?? subject} (${ordinal(bySubject.get(subject)!)} percentile)`,
      );
      return [
        {
          clusterId: cluster.id,
          name: cluster.name,
          strength: Math.round(strength * 10) / 10,
          reason: `Strong in ${parts.join(' and ')} against the school.`,
        },
      ];
    })
    .filter((s) => s.strength >= (options.minimumStrength ?? 60))
    .sort((a, b) => b.strength - a.strength || a.clusterId.localeCompare(b.clusterId))
    .slice(0, options.limit ?? 2);
}
