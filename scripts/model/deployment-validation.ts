import { type AtRiskModel, type Setup, calibrationShift, scoreRisk, setups } from '../../lambdas/scoring/at-risk-model';
import { seededRandom } from '../../local/demo/demo-data';
import { type LabelledStudent, trainAtRiskModel } from './at-risk-training';
import { baselines } from './baselines';
import { shuffledIndexes } from './cross-validation';
import { decisionFigures, passRate, riskFigures, round } from './metrics';

/**
 * Validation that imitates deployment: the model is judged on students it was not fitted to,
 * where the pass rate and the grades differ: one school of the training file against the other,
 * and test sets re-weighted to lower pass rates (other courses and schools fail more students).
 * On each, per setup, the model and every baseline fitted on the same training students.
 */

export interface Figures {
  readonly accuracy: number;
  readonly auc: number;
  readonly brier?: number;
}

export interface SplitResult {
  readonly split: string;
  readonly setup: Setup;
  readonly n: number;
  readonly passRate: number;
  /** The model at a school it knows nothing of yet (no pass rate to go by). */
  readonly newSchool: Figures;
  /** The model calibrated to the school's pass rate, as the scoring run does once the school has one. */
  readonly calibrated: Figures;
  readonly baselines: Readonly<Record<string, Figures>>;
  /** The calibrated model's accuracy and AUC are at least the best baseline's. */
  readonly holds: boolean;
  /** The calibrated model's risks and the outcomes, with the test set's weights, for calibration tables. */
  readonly predictions: { readonly risks: number[]; readonly passed: boolean[]; readonly weights: number[] };
}

/** The raw predictions of a split, kept so that folds can be pooled before figures are taken. */
interface Predictions {
  readonly passed: boolean[];
  readonly weights: number[];
  readonly newSchool: number[];
  readonly calibrated: number[];
  readonly baselines: Map<string, { fails: boolean[]; score: number[] }>;
}

function predict(
  model: AtRiskModel,
  training: readonly LabelledStudent[],
  test: readonly LabelledStudent[],
  weights: readonly number[],
  setup: Setup,
): Predictions {
  const records = test.map((s) => s.record);
  const shift = calibrationShift(
    model,
    setup,
    records,
    passRate(
      test.map((s) => s.passed),
      weights,
    ),
    weights,
  );
  const risk = (calibration: number) =>
    records.map((record) => scoreRisk(model, record, 20, setup, undefined, { [setup]: calibration }).risk);
  return {
    passed: test.map((s) => s.passed),
    weights: [...weights],
    newSchool: risk(0),
    calibrated: risk(shift),
    baselines: new Map(baselines(training, setup).map((b) => [b.name, b.predict(test)])),
  };
}

function pool(parts: readonly Predictions[]): Predictions {
  const names = [...parts[0]!.baselines.keys()];
  return {
    passed: parts.flatMap((p) => p.passed),
    weights: parts.flatMap((p) => p.weights),
    newSchool: parts.flatMap((p) => p.newSchool),
    calibrated: parts.flatMap((p) => p.calibrated),
    baselines: new Map(
      names.map((name) => [
        name,
        {
          fails: parts.flatMap((p) => p.baselines.get(name)!.fails),
          score: parts.flatMap((p) => p.baselines.get(name)!.score),
        },
      ]),
    ),
  };
}

function figures(split: string, setup: Setup, p: Predictions): SplitResult {
  const base = Object.fromEntries(
    [...p.baselines].map(([name, decision]) => [name, decisionFigures(decision, p.passed, p.weights)]),
  );
  const calibrated = riskFigures(p.calibrated, p.passed, p.weights);
  const best = Object.values(base);
  return {
    split,
    setup,
    n: p.passed.length,
    passRate: round(passRate(p.passed, p.weights)),
    newSchool: riskFigures(p.newSchool, p.passed, p.weights),
    calibrated,
    baselines: base,
    holds:
      calibrated.accuracy >= Math.max(...best.map((b) => b.accuracy)) &&
      calibrated.auc >= Math.max(...best.map((b) => b.auc)),
    predictions: { risks: p.calibrated, passed: p.passed, weights: p.weights },
  };
}

/** Train on one school of the file, test on the other, both ways. */
export function crossSchool(students: readonly LabelledStudent[]): SplitResult[] {
  const schools = [...new Set(students.map((s) => s.school))].sort();
  return schools.flatMap((testSchool) => {
    const training = students.filter((s) => s.school !== testSchool);
    const test = students.filter((s) => s.school === testSchool);
    const model = trainAtRiskModel(training, 'cross-school', 'cv');
    const from = schools.filter((s) => s !== testSchool).join('+');
    return setups.map((setup) =>
      figures(
        `${from} → ${testSchool}`,
        setup,
        predict(
          model,
          training,
          test,
          test.map(() => 1),
          setup,
        ),
      ),
    );
  });
}

/**
 * 10-fold cross-validation whose test folds are re-weighted to a lower pass rate (failing
 * students weigh more), pooled over the folds; each fold's model is calibrated to its fold's
 * re-weighted pass rate.
 */
export function reweighted(students: readonly LabelledStudent[], passRates: readonly number[], seed = 2008) {
  const order = shuffledIndexes(students.length, seededRandom(seed));
  const folds = Array.from({ length: 10 }, (_, fold) => order.filter((_, i) => i % 10 === fold));
  const trained = folds.map((fold) => {
    const inFold = new Set(fold);
    const training = students.filter((_, i) => !inFold.has(i));
    return { training, test: fold.map((i) => students[i]!), model: trainAtRiskModel(training, 'cv', 'cv') };
  });
  return passRates.flatMap((target) =>
    setups.map((setup) => {
      const parts = trained.map(({ training, test, model }) => {
        const rate = test.filter((s) => s.passed).length / test.length;
        const weights = test.map((s) => (s.passed ? target / rate : (1 - target) / (1 - rate)));
        return predict(model, training, test, weights, setup);
      });
      return figures(`pass rate ${Math.round(target * 100)} %`, setup, pool(parts));
    }),
  );
}

/** Every deployment-like split: both cross-school directions, then 85 %, 75 % and 65 % pass rates. */
export function deploymentSplits(students: readonly LabelledStudent[]): SplitResult[] {
  return [...crossSchool(students), ...reweighted(students, [0.85, 0.75, 0.65])];
}
