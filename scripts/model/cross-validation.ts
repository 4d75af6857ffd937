import { type Setup, scoreRisk, setups } from '../../lambdas/scoring/at-risk-model';
import { seededRandom } from '../../local/demo/demo-data';
import { type LabelledStudent, trainAtRiskModel } from './at-risk-training';

/**
 * Out-of-fold risks of `runs` × `folds`-fold cross-validation: each run shuffles the
 * students (seeded), trains on nine folds and scores the tenth, per setup.
 */
export function crossValidate(students: readonly LabelledStudent[], runs: number, folds = 10, seed = 2008) {
  const random = seededRandom(seed);
  const results: { run: number; risks: Record<Setup, number[]>; passed: boolean[]; order: number[] }[] = [];
  for (let run = 0; run < runs; run += 1) {
    const order = students.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const risks = Object.fromEntries(setups.map((s) => [s, new Array<number>(students.length)])) as Record<
      Setup,
      number[]
    >;
    for (let fold = 0; fold < folds; fold += 1) {
      const test = order.filter((_, i) => i % folds === fold);
      const testSet = new Set(test);
      const model = trainAtRiskModel(
        students.filter((_, i) => !testSet.has(i)),
        'cross-validation',
        'cv',
      );
      for (const i of test) {
        for (const setup of setups) risks[setup][i] = scoreRisk(model, students[i]!.record, 20, setup).risk;
      }
    }
    results.push({ run, risks, passed: students.map((s) => s.passed), order });
  }
  return results;
}
