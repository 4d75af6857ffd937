import * as z from 'zod';

/**
 * A school's analytics settings, kept in `school_settings.analytics`: who sees risk, the
 * risk level that counts as "at risk", the anomaly thresholds and the subject → career
 * cluster mapping. The settings API validates them with this schema and the scorers read
 * them through it, so an empty object means the platform's defaults.
 */

/** Thresholds of the anomaly flags. */
export interface AnomalySettings {
  /** Recent weeks compared with the weeks before them. @default 2 */
  readonly recentWeeks: number;
  /** Smallest fall in attendance rate, beyond the cohort's, worth a flag (0–1). @default 0.2 */
  readonly minAttendanceDrop: number;
  /** How unlikely the recent attendance must be under the student's usual rate. @default 0.01 */
  readonly attendanceSignificance: number;
  /** Smallest fall in a score, beyond the cohort's, as a fraction of its maximum. @default 0.2 */
  readonly minGradeDrop: number;
  /** How many of the student's usual deviations a score must fall (robust z). @default 3 */
  readonly gradeZThreshold: number;
}

export const defaultAnomalySettings: AnomalySettings = {
  recentWeeks: 2,
  minAttendanceDrop: 0.2,
  attendanceSignificance: 0.01,
  minGradeDrop: 0.2,
  gradeZThreshold: 3,
};

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

const fraction = z.number().min(0).max(1);

/** What a school runs analytics on: its legitimate interest, or the guardians' consent. */
export const lawfulBasis = z.enum(['legitimate-interest', 'consent']);

export const analyticsSettings = z
  .object({
    /** Risk at or above which a student is listed as at risk. @default 0.5 */
    atRiskThreshold: fraction.default(0.5),
    /** Whether guardians see their child's risk score and drivers. @default false */
    guardiansSeeRisk: z.boolean().default(false),
    /**
     * What the school scores students on: its legitimate interest (every student, unless a
     * guardian refused or withdrew analytics consent) or consent (only students whose guardian
     * gave it). @default 'legitimate-interest'
     */
    lawfulBasis: lawfulBasis.default('legitimate-interest'),
    /**
     * Age under which a student is scored only with a guardian's consent, whatever the basis
     * (13 where COPPA applies); null for none. @default null
     */
    parentalConsentUnder: z.int().min(1).max(21).nullable().default(null),
    anomalies: z
      .object({
        recentWeeks: z.int().min(1).max(8),
        minAttendanceDrop: fraction,
        attendanceSignificance: z.number().gt(0).max(0.5),
        minGradeDrop: fraction,
        gradeZThreshold: z.number().min(1).max(10),
      })
      .strict()
      .partial()
      .default({})
      .transform((given): AnomalySettings => ({ ...defaultAnomalySettings, ...given })),
    careerClusters: careerClusterMapping.default(() => [...defaultCareerClusters]),
  })
  .strict();
export type AnalyticsSettings = z.output<typeof analyticsSettings>;

/** What the scorers use when a school has saved nothing, or something an older version allowed. */
export function analyticsSettingsOf(saved: unknown): AnalyticsSettings {
  const parsed = analyticsSettings.safeParse(saved ?? {});
  return parsed.success ? parsed.data : analyticsSettings.parse({});
}

const platformDefaults = analyticsSettings.parse({});

/**
 * One analytics setting read in SQL from `school_settings`, falling back to the platform's
 * default, for queries that filter by it in the same round trip.
 */
export const analyticsSettingSql = {
  atRiskThreshold: `(SELECT coalesce((analytics->>'atRiskThreshold')::float8, ${platformDefaults.atRiskThreshold}) FROM school_settings)`,
  guardiansSeeRisk: `(SELECT coalesce((analytics->>'guardiansSeeRisk')::boolean, ${platformDefaults.guardiansSeeRisk}) FROM school_settings)`,
  lawfulBasis: `coalesce((SELECT analytics->>'lawfulBasis' FROM school_settings), '${platformDefaults.lawfulBasis}')`,
  parentalConsentUnder: `(SELECT (analytics->>'parentalConsentUnder')::int FROM school_settings)`,
} as const;
