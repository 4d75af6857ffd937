import { anomalyDetectionQuality } from './anomaly-quality';

/**
 * `npm run model:anomalies`: precision and recall of the anomaly flags on ten synthetic
 * cohorts of 300 students with known injected drops (and a flu week and a hard test that
 * hit everyone), at the default thresholds. Prints one JSON object.
 */
const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
const round = (value: number) => Math.round(value * 1000) / 1000;
const quality = anomalyDetectionQuality(seeds);
console.log(
  JSON.stringify(
    {
      cohorts: seeds.length,
      studentsPerCohort: 300,
      attendance: { precision: round(quality.attendance.precision), recall: round(quality.attendance.recall) },
      grades: { precision: round(quality.grades.precision), recall: round(quality.grades.recall) },
    },
    null,
    2,
  ),
);
