/** Binary classification figures for "at risk" (ends below the pass mark) predictions. */
export interface SetupMetrics {
  readonly n: number;
  readonly passRate: number;
  /** Share predicted right at a 0.5 risk cut (PCC). */
  readonly accuracy: number;
  readonly auc: number;
  readonly brier: number;
  /** Positive = at risk (did not pass). */
  readonly confusion: {
    readonly truePositive: number;
    readonly falsePositive: number;
    readonly trueNegative: number;
    readonly falseNegative: number;
  };
  /** Accuracy of always predicting the commoner outcome. */
  readonly majorityAccuracy: number;
}

export const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

const unit = (n: number) => Array.from({ length: n }, () => 1);

/**
 * Area under the ROC curve of a risk score, by ranks (ties share their rank), each student
 * counted with its weight (1 unless a test set is re-weighted).
 */
export function auc(
  risks: readonly number[],
  atRisk: readonly boolean[],
  weights: readonly number[] = unit(risks.length),
): number {
  const order = risks
    .map((risk, i) => ({ risk, positive: atRisk[i]!, w: weights[i]! }))
    .sort((a, b) => a.risk - b.risk);
  // Weighted Mann–Whitney: for each positive, the weight of negatives below it (half of those tied).
  let below = 0;
  let pairs = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let tiedNegatives = 0;
    let tiedPositives = 0;
    while (j < order.length && order[j]!.risk === order[i]!.risk) {
      if (order[j]!.positive) tiedPositives += order[j]!.w;
      else tiedNegatives += order[j]!.w;
      j += 1;
    }
    pairs += tiedPositives * (below + tiedNegatives / 2);
    below += tiedNegatives;
    i = j;
  }
  const positives = order.reduce((sum, x) => sum + (x.positive ? x.w : 0), 0);
  const negatives = order.reduce((sum, x) => sum + (x.positive ? 0 : x.w), 0);
  if (!positives || !negatives) return Number.NaN;
  return pairs / (positives * negatives);
}

/** Weighted share of students whose predicted outcome (risk ≥ 0.5 means "fails") was right. */
export function accuracy(
  risks: readonly number[],
  passed: readonly boolean[],
  weights: readonly number[] = unit(risks.length),
): number {
  const total = weights.reduce((a, b) => a + b, 0);
  return risks.reduce((sum, risk, i) => sum + (risk >= 0.5 === !passed[i] ? weights[i]! : 0), 0) / total;
}

export function brier(
  risks: readonly number[],
  passed: readonly boolean[],
  weights: readonly number[] = unit(risks.length),
): number {
  const total = weights.reduce((a, b) => a + b, 0);
  return risks.reduce((sum, risk, i) => sum + weights[i]! * (risk - (passed[i] ? 0 : 1)) ** 2, 0) / total;
}

/** Weighted share of students who passed. */
export function passRate(passed: readonly boolean[], weights: readonly number[] = unit(passed.length)): number {
  const total = weights.reduce((a, b) => a + b, 0);
  return passed.reduce((sum, p, i) => sum + (p ? weights[i]! : 0), 0) / total;
}

/** Accuracy, AUC and Brier score of risks (rounded as printed). */
export function riskFigures(
  risks: readonly number[],
  passed: readonly boolean[],
  weights: readonly number[] = unit(risks.length),
) {
  return {
    accuracy: round(accuracy(risks, passed, weights)),
    auc: round(
      auc(
        risks,
        passed.map((p) => !p),
        weights,
      ),
    ),
    brier: round(brier(risks, passed, weights)),
  };
}

/** Accuracy of yes/no decisions (true = predicted to fail) and the AUC of the score they rank by. */
export function decisionFigures(
  decision: { readonly fails: readonly boolean[]; readonly score: readonly number[] },
  passed: readonly boolean[],
  weights: readonly number[] = unit(passed.length),
) {
  return {
    accuracy: round(
      accuracy(
        decision.fails.map((f) => (f ? 1 : 0)),
        passed,
        weights,
      ),
    ),
    auc: round(
      auc(
        decision.score,
        passed.map((p) => !p),
        weights,
      ),
    ),
  };
}

export function setupMetrics(risks: readonly number[], passed: readonly boolean[]): SetupMetrics {
  const atRisk = passed.map((p) => !p);
  const predicted = risks.map((risk) => risk >= 0.5);
  const count = (f: (i: number) => boolean) => risks.filter((_, i) => f(i)).length;
  const passRate = passed.filter(Boolean).length / passed.length;
  return {
    n: risks.length,
    passRate: round(passRate),
    accuracy: round(accuracy(risks, passed)),
    auc: round(auc(risks, atRisk)),
    brier: round(brier(risks, passed)),
    confusion: {
      truePositive: count((i) => predicted[i]! && atRisk[i]!),
      falsePositive: count((i) => predicted[i]! && !atRisk[i]),
      trueNegative: count((i) => !predicted[i] && !atRisk[i]),
      falseNegative: count((i) => !predicted[i] && atRisk[i]!),
    },
    majorityAccuracy: round(Math.max(passRate, 1 - passRate)),
  };
}

/** Predicted against observed risk in ten bands of predicted risk. */
export function calibration(
  risks: readonly number[],
  passed: readonly boolean[],
  weights: readonly number[] = unit(risks.length),
) {
  return Array.from({ length: 10 }, (_, band) => {
    const inBand = risks
      .map((risk, i) => ({ risk, atRisk: !passed[i], w: weights[i]! }))
      .filter(({ risk }) => (band === 9 ? risk >= 0.9 : risk >= band / 10 && risk < (band + 1) / 10));
    const total = inBand.reduce((s, x) => s + x.w, 0);
    return {
      band: `${band * 10}–${band * 10 + 10} %`,
      n: round(total, 1),
      predicted: total ? round(inBand.reduce((s, x) => s + x.w * x.risk, 0) / total, 3) : null,
      observed: total ? round(inBand.reduce((s, x) => s + (x.atRisk ? x.w : 0), 0) / total, 3) : null,
    };
  });
}
