import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type AtRiskModel, calibrationShift, scoreRisk, setups } from '../../lambdas/scoring/at-risk-model';
import { readLabelledStudents } from './at-risk-training';
import { baselines } from './baselines';
import { decisionFigures, riskFigures, round, setupMetrics } from './metrics';
import { modelFile, trainingFile } from './training-data';

/**
 * `npm run model:evaluate -- --csv PATH [--pass-rate R]`: scores every student of a file in the
 * UCI format with the trained model at each setup and prints one JSON object: per setup n, pass
 * rate, accuracy (PCC), AUC, Brier score, confusion matrix and the majority-class accuracy, then
 * the same model at a school it knows nothing of (`newSchool`) and the baselines fitted on the
 * training file (`baselines`: majority, latest term grade at or above the pass mark, least
 * squares on the final grade), so one can see at a glance whether the model earns its place.
 *
 * The headline figures are the model as the scoring run uses it at a school with a pass rate to
 * go by: `--pass-rate` (the school's, from its past years), or else the file's own pass rate,
 * which stands in for the school's history a single file does not have.
 */
const { values } = parseArgs({ options: { csv: { type: 'string' }, 'pass-rate': { type: 'string' } }, strict: true });
const givenRate = values['pass-rate'] === undefined ? undefined : Number(values['pass-rate']);
if (!values.csv || (givenRate !== undefined && !(givenRate > 0 && givenRate < 1))) {
  console.error('Usage: npm run model:evaluate -- --csv PATH [--pass-rate R]   (R between 0 and 1)');
  process.exit(2);
}
const model = JSON.parse(readFileSync(modelFile, 'utf8')) as AtRiskModel;
const students = readLabelledStudents(values.csv);
const passed = students.map((s) => s.passed);
const passRate = givenRate ?? passed.filter(Boolean).length / passed.length;
const training = readLabelledStudents(trainingFile);
const records = students.map((s) => s.record);
// The baselines are fitted as the model was: on the training file.
console.log(
  JSON.stringify(
    {
      model: model.version,
      file: values.csv,
      calibration: {
        passRate: round(passRate),
        source:
          givenRate === undefined ? "the file's final grades, standing in for the school's past years" : '--pass-rate',
      },
      setups: Object.fromEntries(
        setups.map((setup) => {
          const shift = calibrationShift(model, setup, records, passRate);
          const risks = (calibration: number) =>
            records.map((record) => scoreRisk(model, record, 20, setup, undefined, { [setup]: calibration }).risk);
          const newSchool = risks(0);
          return [
            setup,
            {
              ...setupMetrics(risks(shift), passed),
              newSchool: riskFigures(newSchool, passed),
              baselines: Object.fromEntries(
                baselines(training, setup).map((baseline) => [
                  baseline.name,
                  { ...decisionFigures(baseline.predict(students), passed), what: baseline.describe },
                ]),
              ),
            },
          ];
        }),
      ),
    },
    null,
    2,
  ),
);
