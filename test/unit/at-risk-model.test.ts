import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  type AtRiskModel,
  calibrationShift,
  scoreRisk,
  setupFeatures,
  setupOf,
} from '../../lambdas/scoring/at-risk-model';
import { calibrationFromBins } from '../../lambdas/scoring/track-record';
import { minimumJudged } from '../../lambdas/shared/model-track-record';
import { crossSchool } from '../../scripts/model/deployment-validation';
import { projectRoot } from '../../lib/project';
import { readLabelledStudents, trainAtRiskModel } from '../../scripts/model/at-risk-training';
import { modelFile, trainingFile } from '../../scripts/model/training-data';

const model = JSON.parse(readFileSync(modelFile, 'utf8')) as AtRiskModel;
const student = { term1: 11 / 20, term2: 12 / 20, failures: 0, absences: 2 };

describe('the at-risk model', () => {
  it('is the artefact that training on the shipped data produces', () => {
    const retrained = trainAtRiskModel(readLabelledStudents(trainingFile), model.trainedOn, model.version);
    for (const setup of ['A', 'B', 'C'] as const) {
      retrained.setups[setup].weights.forEach((weight, i) =>
        expect(weight).toBeCloseTo(model.setups[setup].weights[i]!, 9),
      );
      expect(retrained.setups[setup].slope).toBeCloseTo(model.setups[setup].slope, 9);
      expect(model.setups[setup].boundary).toBe(9.5);
    }
  });

  it('reads only grades, repeated years and absences, and uses what the school has recorded', () => {
    const inputs = new Set(Object.values(setupFeatures).flat());
    expect([...inputs].sort()).toEqual(['absences', 'failures', 'term1', 'term2']);
    expect(setupOf(student)).toBe('A');
    expect(setupOf({ ...student, term2: null })).toBe('B');
    expect(setupOf({ ...student, term1: null, term2: null })).toBe('C');
  });

  it('rises as grades fall and absences grow, and names the drivers in a teacher’s words', () => {
    const steady = scoreRisk(model, student);
    const slipping = scoreRisk(model, { ...student, term2: 7 / 20, absences: 14 });
    expect(slipping.risk).toBeGreaterThan(steady.risk);
    expect(slipping.risk).toBeGreaterThan(0.5);
    expect(steady.risk).toBeLessThan(0.2);
    const top = slipping.drivers[0]!;
    expect(top).toMatchObject({ feature: 'term2', text: 'second-term grade 7/20' });
    expect(top.contribution).toBeGreaterThan(0);
    expect(slipping.drivers.map((d) => d.text)).toContain('14 absences');
    expect(slipping.modelVersion).toBe(model.version);
  });

  it('serves any grading scale: the same standing on 0–100 gives the same risk', () => {
    const onTwenty = scoreRisk(model, { ...student, term2: 8 / 20 });
    const onHundred = scoreRisk(model, { ...student, term2: 40 / 100 }, 100);
    expect(onHundred.risk).toBeCloseTo(onTwenty.risk, 12);
    expect(onHundred.drivers.find((d) => d.feature === 'term2')!.text).toBe('second-term grade 40/100');
  });

  it('evaluates a CSV from the command line into one JSON object per setup', async () => {
    const { stdout } = await promisify(execFile)(
      join(projectRoot, 'node_modules', '.bin', 'tsx'),
      ['scripts/model/evaluate.ts', '--csv', trainingFile],
      { cwd: projectRoot, encoding: 'utf8' },
    );
    type Figures = { accuracy: number; auc: number };
    const report = JSON.parse(stdout) as {
      calibration: { passRate: number };
      setups: Record<
        string,
        Figures & {
          n: number;
          majorityAccuracy: number;
          confusion: Record<string, number>;
          newSchool: Figures & { brier: number };
          baselines: Record<string, Figures>;
        }
      >;
    };
    expect(report.calibration.passRate).toBe(0.8459);
    expect(Object.keys(report.setups)).toEqual(['A', 'B', 'C']);
    for (const setup of ['A', 'B', 'C'] as const) {
      const m = report.setups[setup]!;
      expect(m).toMatchObject({ n: 649, majorityAccuracy: 0.8459 });
      expect(Object.keys(m.confusion)).toEqual(['truePositive', 'falsePositive', 'trueNegative', 'falseNegative']);
      expect(Object.keys(m.baselines)).toEqual(
        setup === 'C' ? ['majority', 'regression'] : ['majority', 'rule', 'regression'],
      );
      // The model earns its place: no baseline is more accurate, and none ranks students better,
      // but for the regression's last thousandth, which it owes to a weight on absences that
      // lowers the risk of the absent (students who dropped out show no absences in the file).
      for (const [name, baseline] of Object.entries(m.baselines)) {
        expect(m.accuracy).toBeGreaterThanOrEqual(baseline.accuracy);
        expect(m.auc).toBeGreaterThanOrEqual(baseline.auc - (name === 'regression' ? 0.001 : 0));
      }
      expect(m.newSchool.brier).toBeGreaterThan(0);
    }
    expect(report.setups.A!.accuracy).toBeGreaterThan(0.9);
  }, 60_000);

  it('is calibrated to a school by its pass rate: the mean probability of passing becomes that rate', () => {
    const students = readLabelledStudents(trainingFile).slice(0, 200);
    const records = students.map((s) => s.record);
    for (const passRate of [0.6, 0.95]) {
      const shift = calibrationShift(model, 'B', records, passRate);
      const mean =
        records.reduce((sum, r) => sum + 1 - scoreRisk(model, r, 20, 'B', undefined, { B: shift }).risk, 0) /
        records.length;
      expect(mean).toBeCloseTo(passRate, 6);
    }
    // A school that fails more students raises every student's risk, and leaves the drivers as they were.
    const plain = scoreRisk(model, student, 20, 'B');
    const strict = scoreRisk(model, student, 20, 'B', undefined, { B: calibrationShift(model, 'B', records, 0.6) });
    expect(strict.risk).toBeGreaterThan(plain.risk);
    expect(strict.drivers).toEqual(plain.drivers);
    expect(strict.predictedGrade).toBe(plain.predictedGrade);
  });

  it('at a school it was not trained on, is never less accurate than the latest-grade rule and ranks better', () => {
    for (const result of crossSchool(readLabelledStudents(trainingFile))) {
      const rule = result.baselines.rule;
      if (!rule) continue;
      expect(result.calibrated.accuracy, `${result.split} ${result.setup}`).toBeGreaterThanOrEqual(rule.accuracy);
      expect(result.calibrated.auc, `${result.split} ${result.setup}`).toBeGreaterThan(rule.auc);
    }
  });

  it('calibrates a setup to a school only from enough of last year’s predictions judged', () => {
    // Log-odds in tenths: [log-odds, students, of whom passed].
    const confident: [number, number, number][] = [
      [2, 20, 10],
      [3, 20, 10],
    ];
    const calibration = calibrationFromBins({ A: confident, B: [[1, minimumJudged - 1, 0]] });
    expect(Object.keys(calibration)).toEqual(['A']);
    // Half passed where the model gave 88–95 %: the odds come down until the mean is a half.
    const shift = calibration.A!;
    const mean = (1 / (1 + Math.exp(-(2 + shift))) + 1 / (1 + Math.exp(-(3 + shift)))) / 2;
    expect(mean).toBeCloseTo(0.5, 3);
    expect(calibrationFromBins({})).toEqual({});
  });
});
