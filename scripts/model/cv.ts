import { setups } from '../../lambdas/scoring/at-risk-model';
import { readLabelledStudents } from './at-risk-training';
import { crossValidate } from './cross-validation';
import { deploymentSplits, type SplitResult } from './deployment-validation';
import { setupMetrics } from './metrics';
import { trainingFile } from './training-data';

/**
 * `npm run model:cv`: 20 × 10-fold cross-validated accuracy of the at-risk model on the
 * training file, per setup, beside Cortez and Silva's best binary results there; then the
 * validation that imitates deployment (one school against the other, test sets re-weighted to
 * lower pass rates) with the baselines on the same splits.
 */
const paper = { A: 0.93, B: 0.901, C: 0.85 };
const students = readLabelledStudents(trainingFile);
const runs = crossValidate(students, 20);
console.log('20 × 10-fold cross-validation, accuracy (PCC) on student-por.csv; majority 84.6 %');
for (const setup of setups) {
  const accuracies = runs.map((run) => setupMetrics(run.risks[setup], run.passed).accuracy);
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const sd = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / (accuracies.length - 1));
  console.log(
    `  setup ${setup}: ${(mean * 100).toFixed(1)} % ± ${(sd * 100).toFixed(1)}   (paper's best: ${(paper[setup] * 100).toFixed(1)} %)`,
  );
}

const pct = (value: number) => `${(value * 100).toFixed(1)}`.padStart(5);
const num = (value: number) => value.toFixed(3);
console.log(
  [
    '',
    'Validation that imitates deployment: accuracy % / AUC. "model" is calibrated to the test',
    'school\'s pass rate (as the scoring run does once a school has one); "new school" has none.',
    '',
    'split              setup  pass %  model          new school     majority   rule           regression     holds',
  ].join('\n'),
);
const cell = (f?: { accuracy: number; auc: number }) => (f ? `${pct(f.accuracy)} / ${num(f.auc)}` : '      —       ');
const results: SplitResult[] = deploymentSplits(students);
for (const r of results) {
  console.log(
    [
      r.split.padEnd(18),
      `  ${r.setup}  `,
      pct(r.passRate),
      ' ',
      cell(r.calibrated),
      cell(r.newSchool),
      pct(r.baselines.majority!.accuracy).padEnd(10),
      cell(r.baselines.rule),
      cell(r.baselines.regression),
      r.holds ? 'yes' : 'NO',
    ].join(' '),
  );
}
const failed = results.filter((r) => !r.holds);
console.log(
  failed.length
    ? `\nThe model falls short of the best baseline on ${failed.length} of ${results.length} split-setups: ${failed.map((r) => `${r.split} ${r.setup}`).join('; ')}`
    : `\nThe model's accuracy and AUC are at least the best baseline's on all ${results.length} split-setups.`,
);
