// ml-logistic-regression ships no types: what the training script uses of it.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    /** One classifier per class, one-vs-all: classifier i scores "not class i". */
    classifiers: { weights: Matrix; testScores(features: Matrix): number[] }[];
    train(features: Matrix, target: Matrix): void;
    predict(features: Matrix): number[];
  }
}
