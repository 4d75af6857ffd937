import { setups } from '../../lambdas/scoring/at-risk-model';
import { readLabelledStudents } from './at-risk-training';
import { crossValidate } from './cross-validation';
import { setupMetrics } from './metrics';
import { trainingFile } from './training-data';

/**
 * `npm run model:cv`: 20 × 10-fold cross-validated accuracy of the at-risk model on the
 * training file, per setup, beside Cortez and Silva's best binary results there.
 */
const paper = { A: 0.93, B: 0.901, C: 0.85 };
const runs = crossValidate(readLabelledStudents(trainingFile), 20);
console.log('20 × 10-fold cross-validation, accuracy (PCC) on student-por.csv; majority 84.6 %');
for (const setup of setups) {
  const accuracies = runs.map((run) => setupMetrics(run.risks[setup], run.passed).accuracy);
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const sd = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / (accuracies.length - 1));
  console.log(
    `  setup ${setup}: ${(mean * 100).toFixed(1)} % ± ${(sd * 100).toFixed(1)}   (paper's best: ${(paper[setup] * 100).toFixed(1)} %)`,
  );
}
