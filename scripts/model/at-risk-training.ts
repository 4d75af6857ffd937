import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Matrix } from 'ml-matrix';
import LogisticRegression from 'ml-logistic-regression';
import {
  type AtRiskModel,
  type LearningRecord,
  type Setup,
  type SetupModel,
  featureValues,
  setupFeatures,
  setups,
} from '../../lambdas/scoring/at-risk-model';

/** A student of a file in the UCI Student Performance format, as training and evaluation read it. */
export interface LabelledStudent {
  readonly record: LearningRecord;
  /** Whether the final grade reached the pass mark (G3 ≥ 10 of 20). */
  readonly passed: boolean;
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
    passed: Number(row.G3) >= 10,
    group: { sex: String(row.sex), address: String(row.address) },
  }));
}

/** Fits one setup's logistic model (ml-logistic-regression, gradient ascent on standardised inputs). */
export function fitSetup(students: readonly LabelledStudent[], setup: Setup): SetupModel {
  const features = setupFeatures[setup];
  const raw = students.map((s) => featureValues(s.record, features));
  const mean = features.map((_, j) => raw.reduce((sum, row) => sum + row[j]!, 0) / raw.length);
  const scale = features.map((_, j) => {
    const variance = raw.reduce((sum, row) => sum + (row[j]! - mean[j]!) ** 2, 0) / raw.length;
    return Math.sqrt(variance) || 1;
  });
  const X = new Matrix(raw.map((row) => [1, ...row.map((value, j) => (value - mean[j]!) / scale[j]!)]));
  const y = Matrix.columnVector(students.map((s) => (s.passed ? 1 : 0)));
  const learner = new LogisticRegression({ numSteps: 1500, learningRate: 2e-3 });
  learner.train(X, y);
  // The first of its one-vs-all classifiers scores "not failed", the probability of passing.
  const weights = (learner.classifiers[0] as { weights: Matrix }).weights.to1DArray();
  return { features, mean, scale, weights };
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
