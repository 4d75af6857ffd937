import {
  type Setup,
  featureValues,
  modelScale,
  predictedGrade,
  setupFeatures,
} from '../../lambdas/scoring/at-risk-model';
import { type LabelledStudent, leastSquares } from './at-risk-training';

/**
 * What the model has to beat to earn its place, each fitted on the same training students and
 * judged on the same test students: its decisions (true = predicted to fail) and the score it
 * ranks students by (higher = riskier) for the AUC.
 */
export interface Baseline {
  readonly name: 'majority' | 'rule' | 'regression';
  readonly describe: string;
  readonly predict: (students: readonly LabelledStudent[]) => { fails: boolean[]; score: number[] };
}

/** The grade a setup's rule reads: the latest term grade the school has. */
const latestTerm: Partial<Record<Setup, 'term1' | 'term2'>> = { A: 'term2', B: 'term1' };

export function baselines(training: readonly LabelledStudent[], setup: Setup): Baseline[] {
  const features = setupFeatures[setup];
  const weights = leastSquares(
    training.map((s) => featureValues(s.record, features)),
    training.map((s) => s.finalGrade * modelScale.max),
  );
  const predicted = (s: LabelledStudent) => predictedGrade({ weights }, featureValues(s.record, features));
  const term = latestTerm[setup];
  return [
    {
      name: 'majority',
      describe: 'everyone gets the commoner outcome of the test set',
      predict: (students) => {
        const passRate = students.filter((s) => s.passed).length / students.length;
        return { fails: students.map(() => passRate < 0.5), score: students.map(() => 0) };
      },
    },
    ...(term
      ? [
          {
            name: 'rule' as const,
            describe: `${term === 'term2' ? 'second' : 'first'}-term grade at or above the pass mark`,
            predict: (students: readonly LabelledStudent[]) => {
              const fails = students.map((s) => s.record[term]! * modelScale.max < modelScale.passMark);
              return { fails, score: fails.map((f) => (f ? 1 : 0)) };
            },
          },
        ]
      : []),
    {
      name: 'regression',
      describe: 'least squares on the final grade, the pass mark applied',
      predict: (students) => {
        const grades = students.map(predicted);
        return { fails: grades.map((g) => g < modelScale.passMark), score: grades.map((g) => -g) };
      },
    },
  ];
}
