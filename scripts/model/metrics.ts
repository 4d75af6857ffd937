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

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Area under the ROC curve by ranks (ties share their rank). */
function auc(risks: readonly number[], atRisk: readonly boolean[]): number {
  const order = risks.map((risk, i) => ({ risk, positive: atRisk[i]! })).sort((a, b) => a.risk - b.risk);
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j]!.risk === order[i]!.risk) j += 1;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k += 1) if (order[k]!.positive) rankSum += rank;
    i = j;
  }
  const positives = atRisk.filter(Boolean).length;
  const negatives = atRisk.length - positives;
  if (!positives || !negatives) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function setupMetrics(risks: readonly number[], passed: readonly boolean[]): SetupMetrics {
  const atRisk = passed.map((p) => !p);
  const predicted = risks.map((risk) => risk >= 0.5);
  const count = (f: (i: number) => boolean) => risks.filter((_, i) => f(i)).length;
  const passRate = passed.filter(Boolean).length / passed.length;
  return {
    n: risks.length,
    passRate: round(passRate),
    accuracy: round(count((i) => predicted[i] === atRisk[i]) / risks.length),
    auc: round(auc(risks, atRisk)),
    brier: round(risks.reduce((sum, risk, i) => sum + (risk - (atRisk[i] ? 1 : 0)) ** 2, 0) / risks.length),
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
export function calibration(risks: readonly number[], passed: readonly boolean[]) {
  return Array.from({ length: 10 }, (_, band) => {
    const inBand = risks
      .map((risk, i) => ({ risk, atRisk: !passed[i] }))
      .filter(({ risk }) => (band === 9 ? risk >= 0.9 : risk >= band / 10 && risk < (band + 1) / 10));
    return {
      band: `${band * 10}–${band * 10 + 10} %`,
      n: inBand.length,
      predicted: inBand.length ? round(inBand.reduce((s, x) => s + x.risk, 0) / inBand.length, 3) : null,
      observed: inBand.length ? round(inBand.filter((x) => x.atRisk).length / inBand.length, 3) : null,
    };
  });
}
