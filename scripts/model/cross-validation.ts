import { type Setup, calibrationShift, scoreRisk, setups } from '../../lambdas/scoring/at-risk-model';
import { seededRandom } from '../../local/demo/demo-data';
import { type LabelledStudent, trainAtRiskModel } from './at-risk-training';

/** 0 … count − 1 in a seeded random order (Fisher–Yates): the folds of a cross-validation run. */
export function shuffledIndexes(count: number, random: { next(): number }): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Out-of-fold risks of `runs` × `folds`-fold cross-validation: each run shuffles the
 * students (seeded), trains on nine folds and scores the tenth, per setup, calibrated as the
 * scoring run calibrates a school: to the pass rate of its past (the nine folds), over the
 * students it scores now (the tenth fold's records, never their outcomes).
 */
export function crossValidate(students: readonly LabelledStudent[], runs: number, folds = 10, seed = 2008) {
  const random = seededRandom(seed);
  const results: { run: number; risks: Record<Setup, number[]>; passed: boolean[]; order: number[] }[] = [];
  for (let run = 0; run < runs; run += 1) {
    const order = shuffledIndexes(students.length, random);
    const risks = Object.fromEntries(setups.map((s) => [s, new Array<number>(students.length)])) as Record<
      Setup,
      number[]
    >;
    for (let fold = 0; fold < folds; fold += 1) {
      const test = order.filter((_, i) => i % folds === fold);
      const testSet = new Set(test);
      const training = students.filter((_, i) => !testSet.has(i));
      const model = trainAtRiskModel(training, 'cross-validation', 'cv');
      const pastPassRate = training.filter((s) => s.passed).length / training.length;
      const records = test.map((i) => students[i]!.record);
      for (const setup of setups) {
        const calibration = { [setup]: calibrationShift(model, setup, records, pastPassRate) };
        for (const i of test) {
          risks[setup][i] = scoreRisk(model, students[i]!.record, 20, setup, undefined, calibration).risk;
        }
      }
    }
    results.push({ run, risks, passed: students.map((s) => s.passed), order });
  }
  return results;
}
