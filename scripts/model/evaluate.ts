import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type AtRiskModel, scoreRisk, setups } from '../../lambdas/scoring/at-risk-model';
import { readLabelledStudents } from './at-risk-training';
import { setupMetrics } from './metrics';
import { modelFile } from './training-data';

/**
 * `npm run model:evaluate -- --csv PATH`: scores every student of a file in the UCI format
 * with the trained model at each setup and prints one JSON object: per setup n, pass rate,
 * accuracy (PCC), AUC, Brier score, confusion matrix and the majority-class accuracy.
 */
const { values } = parseArgs({ options: { csv: { type: 'string' } }, strict: true });
if (!values.csv) {
  console.error('Usage: npm run model:evaluate -- --csv PATH');
  process.exit(2);
}
const model = JSON.parse(readFileSync(modelFile, 'utf8')) as AtRiskModel;
const students = readLabelledStudents(values.csv);
const passed = students.map((s) => s.passed);
console.log(
  JSON.stringify(
    {
      model: model.version,
      file: values.csv,
      setups: Object.fromEntries(
        setups.map((setup) => [
          setup,
          setupMetrics(
            students.map((s) => scoreRisk(model, s.record, 20, setup).risk),
            passed,
          ),
        ]),
      ),
    },
    null,
    2,
  ),
);
