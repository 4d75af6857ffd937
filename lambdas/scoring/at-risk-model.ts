/**
 * The at-risk model at run time: per setup (what is known of a student at that point of the
 * year), a predicted final grade on the model's 0–20 scale and the probability that it ends
 * below the pass mark, as plain numbers in a versioned JSON artefact, so scoring needs no
 * library. Inputs are only what a school records about learning and attendance.
 *
 * Why a grade and not the odds of passing: the pass mark is where schools draw the line on
 * every course, while the share of students who pass differs from course to course and school
 * to school. A model of the grade, cut at the pass mark, carries over to a school the training
 * file never saw; the share that passes there is brought in by the school's own calibration
 * (`SchoolCalibration`, from `calibrationShift`), once the school has a pass rate to go by.
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

/** The model's grading scale: the training course's 0–20, pass mark 10. */
export const modelScale = { max: 20, passMark: 10 } as const;

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
  /** The training data's average of each feature (grades in model points): what drivers are measured against. */
  readonly mean: readonly number[];
  /** The predicted final grade in model points: intercept first, then one weight per feature (grades in points). */
  readonly weights: readonly number[];
  /** The predicted grade below which a student is more likely than not to fail: the pass mark less half a point, as grades are rounded. */
  readonly boundary: number;
  /** Log-odds of passing per model point of predicted grade above the boundary (fitted on the training data). */
  readonly slope: number;
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
  /** The predicted final grade as a fraction of the model's scale (0.5 is the pass mark). */
  readonly predictedGrade: number;
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

/** The model's inputs in its own units: grades in model points (0–20), counts as they are. */
export function featureValues(record: LearningRecord, features: readonly Feature[]): number[] {
  return features.map((feature) => {
    const value = record[feature];
    if (value === null) throw new Error(`The record has no ${feature}.`);
    return feature === 'term1' || feature === 'term2' ? value * modelScale.max : value;
  });
}

/** The predicted final grade in model points, from a setup's weights (or any least-squares fit of the grade). */
export function predictedGrade(m: Pick<SetupModel, 'weights'>, values: readonly number[]): number {
  return values.reduce((sum, value, i) => sum + value * m.weights[i + 1]!, m.weights[0]!);
}

/**
 * A school's calibration: how far its students' log-odds of passing sit from the training
 * course's, per setup (0 where the school has no pass rate to go by yet).
 */
export type SchoolCalibration = Readonly<Partial<Record<Setup, number>>>;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Log-odds of passing before the school's calibration. */
function passLogOdds(m: SetupModel, values: readonly number[]): number {
  return m.slope * (predictedGrade(m, values) - m.boundary);
}

/**
 * The shift of the log-odds that makes the model's mean probability of passing over a school's
 * students equal the school's pass rate (calibration in the large): prior-shift correction for
 * a school whose students pass more or less often than the training course's, for reasons its
 * records do not show. Bisection: the mean is monotone in the shift.
 */
export function calibrationShift(
  model: AtRiskModel,
  setup: Setup,
  records: readonly LearningRecord[],
  passRate: number,
  weights: readonly number[] = records.map(() => 1),
): number {
  const m = model.setups[setup];
  return shiftToPassRate(
    records.map((record) => passLogOdds(m, featureValues(record, m.features))),
    weights,
    passRate,
  );
}

/** The shift that brings the mean of σ(log-odds + shift), weighted, to the pass rate. */
export function shiftToPassRate(logOdds: readonly number[], weights: readonly number[], passRate: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (!logOdds.length || !total) return 0;
  const target = Math.min(Math.max(passRate, 0.005), 0.995);
  let low = -20;
  let high = 20;
  for (let step = 0; step < 60; step += 1) {
    const shift = (low + high) / 2;
    const mean = logOdds.reduce((sum, z, i) => sum + weights[i]! * sigmoid(z + shift), 0) / total;
    if (mean > target) high = shift;
    else low = shift;
  }
  return (low + high) / 2;
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
 * The risk of a student ending below the pass mark, with each input's signed contribution to
 * the log-odds (against an average student of the training data), largest first. The school's
 * calibration, where it has one, shifts the odds; it changes no driver.
 */
export function scoreRisk(
  model: AtRiskModel,
  record: LearningRecord,
  scaleMax = 20,
  setup: Setup = setupOf(record),
  describeFeature: (feature: Feature) => string = (feature) => describe(feature, record, scaleMax),
  calibration: SchoolCalibration = {},
): RiskScore {
  const m = model.setups[setup];
  const values = featureValues(record, m.features);
  const risk = 1 - sigmoid(passLogOdds(m, values) + (calibration[setup] ?? 0));
  const drivers = m.features
    .map((feature, i) => ({
      feature,
      // A push towards a higher grade lowers the risk.
      contribution: -m.slope * m.weights[i + 1]! * (values[i]! - m.mean[i]!),
      text: describeFeature(feature),
    }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return {
    setup,
    risk,
    predictedGrade: predictedGrade(m, values) / modelScale.max,
    drivers,
    modelVersion: model.version,
  };
}
