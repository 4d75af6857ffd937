import * as z from 'zod';

/**
 * Career-cluster suggestions from a student's subject strengths relative to the cohort
 * (school-level peer percentiles). The subject → cluster mapping is data a school edits
 * (its subjects have their own codes); `defaultCareerClusters` is where it starts.
 */
export const careerClusterMapping = z
  .array(
    z
      .object({
        id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
        name: z.string().trim().min(1).max(100),
        /** Subject codes whose strength points to this cluster. */
        subjects: z.array(z.string().min(1).max(20)).min(1).max(10),
      })
      .strict(),
  )
  .min(1)
  .max(40)
  .refine((clusters) => new Set(clusters.map((c) => c.id)).size === clusters.length, 'cluster ids must be unique');
export type CareerCluster = z.output<typeof careerClusterMapping>[number];

/**
 * The default mapping, for subjects coded as the demo school codes them: POR Portuguese,
 * MAT Mathematics, ENG English, SCI Sciences, HIS History, GEO Geography, PE Physical
 * Education, ART Arts.
 */
export const defaultCareerClusters: readonly CareerCluster[] = [
  { id: 'stem', name: 'Science, technology, engineering and mathematics', subjects: ['MAT', 'SCI'] },
  { id: 'health', name: 'Health and care', subjects: ['SCI', 'PE'] },
  { id: 'languages', name: 'Languages and communication', subjects: ['POR', 'ENG'] },
  { id: 'humanities', name: 'Humanities and social sciences', subjects: ['HIS', 'GEO'] },
  { id: 'business', name: 'Business and economics', subjects: ['MAT', 'GEO', 'ENG'] },
  { id: 'arts', name: 'Arts and design', subjects: ['ART'] },
  { id: 'sport', name: 'Sport and physical activity', subjects: ['PE'] },
];

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
