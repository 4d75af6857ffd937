import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Matrix, solve } from 'ml-matrix';
import {
  type AtRiskModel,
  type Feature,
  type LearningRecord,
  type Setup,
  type SetupModel,
  featureValues,
  modelScale,
  predictedGrade,
  setupFeatures,
  setups,
} from '../../lambdas/scoring/at-risk-model';

/** A student of a file in the UCI Student Performance format, as training and evaluation read it. */
export interface LabelledStudent {
  readonly record: LearningRecord;
  /** The final grade (G3) as a fraction of the 0–20 scale. */
  readonly finalGrade: number;
  /** Whether the final grade reached the pass mark (G3 ≥ 10 of 20). */
  readonly passed: boolean;
  /** The school (GP or MS in the UCI files), for cross-school validation. */
  readonly school: string;
  /** Read only to report the fairness gap, never as an input. */
  readonly group: { readonly sex: string; readonly address: string };
}

/** Reads a `;`-separated UCI file; grades become fractions of the 0–20 scale. */
export function readLabelledStudents(file: string): LabelledStudent[] {
  const rows = parse<Record<string, string>>(readFileSync(file, 'utf8'), {
    delimiter: ';',
    columns: true,
    skip_empty_lines: true,
  });
  return rows.map((row) => ({
    record: {
      term1: Number(row.G1) / 20,
      term2: Number(row.G2) / 20,
      failures: Number(row.failures),
      absences: Number(row.absences),
    },
    finalGrade: Number(row.G3) / 20,
    passed: Number(row.G3) >= 10,
    school: String(row.school),
    group: { sex: String(row.sex), address: String(row.address) },
  }));
}

/** Least squares of `target` on `rows` with an intercept (normal equations, a tiny ridge for stability). */
export function leastSquares(rows: readonly (readonly number[])[], target: readonly number[]): number[] {
  const X = new Matrix(rows.map((row) => [1, ...row]));
  const Xt = X.transpose();
  const gram = Xt.mmul(X);
  for (let j = 1; j < gram.rows; j += 1) gram.set(j, j, gram.get(j, j) + 1e-6);
  return solve(gram, Xt.mmul(Matrix.columnVector([...target]))).to1DArray();
}

/**
 * Inputs that may only ever lower the predicted grade: a repeated year or another absence
 * never makes passing likelier. In the training file absences come out slightly positive
 * (students who dropped out show no absences and a final grade of 0), which would not carry
 * over to another school; such a weight is held at zero and the rest refitted.
 */
const neverRaises: ReadonlySet<Feature> = new Set(['failures', 'absences']);

/** Least squares of the final grade (model points) with the sign constraints above (active set). */
function fitGrade(students: readonly LabelledStudent[], features: readonly Feature[]): number[] {
  const values = students.map((s) => featureValues(s.record, features));
  const target = students.map((s) => s.finalGrade * modelScale.max);
  let active = features.map((_, j) => j);
  for (;;) {
    const fitted = leastSquares(
      values.map((row) => active.map((j) => row[j]!)),
      target,
    );
    const weights = [fitted[0]!, ...features.map(() => 0)];
    active.forEach((j, k) => (weights[j + 1] = fitted[k + 1]!));
    const wrong = active.filter((j) => neverRaises.has(features[j]!) && weights[j + 1]! > 0);
    if (!wrong.length) return weights;
    active = active.filter((j) => !wrong.includes(j));
  }
}

/** Maximum-likelihood slope of the log-odds of passing in the predicted grade's distance to the boundary (Newton). */
function fitSlope(distances: readonly number[], passed: readonly boolean[]): number {
  let slope = 1;
  for (let step = 0; step < 100; step += 1) {
    let gradient = 0;
    let curvature = 0;
    distances.forEach((d, i) => {
      const p = 1 / (1 + Math.exp(-slope * d));
      gradient += d * ((passed[i] ? 1 : 0) - p);
      curvature += d * d * p * (1 - p);
    });
    const move = gradient / (curvature || 1);
    slope += move;
    if (Math.abs(move) < 1e-12) break;
  }
  return slope;
}

/**
 * Fits one setup: the final grade by least squares (never rising with repeated years or
 * absences), cut at the pass mark less half a point (grades are whole points, so a predicted
 * 9.6 is a 10), and the slope that turns the distance to that cut into calibrated odds.
 */
export function fitSetup(students: readonly LabelledStudent[], setup: Setup): SetupModel {
  const features = setupFeatures[setup];
  const weights = fitGrade(students, features);
  const values = students.map((s) => featureValues(s.record, features));
  const mean = features.map((_, j) => values.reduce((sum, row) => sum + row[j]!, 0) / values.length);
  const boundary = modelScale.passMark - 0.5;
  const slope = fitSlope(
    values.map((row) => predictedGrade({ weights }, row) - boundary),
    students.map((s) => s.passed),
  );
  return { features, mean, weights, boundary, slope };
}

export function trainAtRiskModel(
  students: readonly LabelledStudent[],
  trainedOn: string,
  version: string,
): AtRiskModel {
  return {
    name: 'at-risk',
    version,
    trainedOn,
    setups: Object.fromEntries(setups.map((setup) => [setup, fitSetup(students, setup)])) as Record<Setup, SetupModel>,
  };
}
