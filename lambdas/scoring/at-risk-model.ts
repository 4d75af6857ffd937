/**
 * The at-risk model at run time: a logistic model per setup (what is known of a student at
 * that point of the year), as plain numbers in a versioned JSON artefact, so scoring needs
 * no library. Inputs are only what a school records about learning and attendance.
 */

/** The three points of the year (Cortez and Silva, 2008): A after two term grades, B after one, C before any. */
export type Setup = 'A' | 'B' | 'C';
export const setups: readonly Setup[] = ['A', 'B', 'C'];

/** The features each setup uses, by name. Never sex, address, family, health or other demographics. */
export const setupFeatures: Readonly<Record<Setup, readonly Feature[]>> = {
  A: ['term1', 'term2', 'failures', 'absences'],
  B: ['term1', 'failures', 'absences'],
  C: ['failures', 'absences'],
};
export type Feature = 'term1' | 'term2' | 'failures' | 'absences';

/** What the model reads about one student, on any grading scale. */
export interface LearningRecord {
  /** First- and second-term grades as a fraction of the school's scale (0–1); null when not given yet. */
  readonly term1: number | null;
  readonly term2: number | null;
  /** Years repeated before. */
  readonly failures: number;
  /** Days absent over the school year so far. */
  readonly absences: number;
}

export interface SetupModel {
  readonly features: readonly Feature[];
  /** Standardisation of each feature, learnt on the training data. */
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  /** Intercept first, then one weight per feature, for the log-odds of passing. */
  readonly weights: readonly number[];
}

export interface AtRiskModel {
  readonly name: 'at-risk';
  readonly version: string;
  readonly trainedOn: string;
  readonly setups: Readonly<Record<Setup, SetupModel>>;
}

export interface Driver {
  readonly feature: Feature;
  /** Signed push on the risk: positive raises it. */
  readonly contribution: number;
  /** What a teacher reads, e.g. "second-term grade 8/20". */
  readonly text: string;
}

export interface RiskScore {
  readonly setup: Setup;
  /** Probability of ending the year below the pass mark. */
  readonly risk: number;
  readonly drivers: readonly Driver[];
  readonly modelVersion: string;
}

/**
 * A grade as the model knows grades: the school's pass mark (a fraction of its scale) maps
 * to 0.5, where the training course's pass mark of 10/20 sits, and the ends of the scale to
 * 0 and 1, linearly on each side. "Just passing" then means the same on every scale.
 */
export function onModelScale(fraction: number, passMark: number): number {
  const mark = Math.min(Math.max(passMark, 0.01), 0.99);
  const clamped = Math.min(Math.max(fraction, 0), 1);
  return clamped < mark ? (0.5 * clamped) / mark : 0.5 + (0.5 * (clamped - mark)) / (1 - mark);
}

/** The setup a record allows: the most the school has recorded. */
export function setupOf(record: LearningRecord): Setup {
  if (record.term1 !== null && record.term2 !== null) return 'A';
  return record.term1 !== null ? 'B' : 'C';
}

export function featureValues(record: LearningRecord, features: readonly Feature[]): number[] {
  return features.map((feature) => {
    const value = record[feature];
    if (value === null) throw new Error(`The record has no ${feature}.`);
    return value;
  });
}

const describe = (feature: Feature, record: LearningRecord, scaleMax: number) => {
  const grade = (fraction: number) => `${Math.round(fraction * scaleMax * 10) / 10}/${scaleMax}`;
  switch (feature) {
    case 'term1':
      return `first-term grade ${grade(record.term1!)}`;
    case 'term2':
      return `second-term grade ${grade(record.term2!)}`;
    case 'failures':
      return record.failures === 1 ? '1 repeated year' : `${record.failures} repeated years`;
    case 'absences':
      return record.absences === 1 ? '1 absence' : `${record.absences} absences`;
  }
};

/**
 * The risk of a student ending below the pass mark, with each input's signed contribution
 * (against an average student of the training data), largest first.
 */
export function scoreRisk(
  model: AtRiskModel,
  record: LearningRecord,
  scaleMax = 20,
  setup: Setup = setupOf(record),
  describeFeature: (feature: Feature) => string = (feature) => describe(feature, record, scaleMax),
): RiskScore {
  const m = model.setups[setup];
  const z = featureValues(record, m.features).map((value, i) => (value - m.mean[i]!) / m.scale[i]!);
  const logOdds = z.reduce((sum, value, i) => sum + value * m.weights[i + 1]!, m.weights[0]!);
  const risk = 1 / (1 + Math.exp(logOdds));
  const drivers = m.features
    .map((feature, i) => ({
      feature,
      // Passing is what the weights model: a push towards it lowers the risk.
      contribution: -z[i]! * m.weights[i + 1]!,
      text: describeFeature(feature),
    }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { setup, risk, drivers, modelVersion: model.version };
}
