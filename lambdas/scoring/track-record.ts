import { type DataApiSession, jsonColumn, typed } from '../shared/data-api';
import { minimumJudged } from '../shared/model-track-record';
import {
  type AtRiskModel,
  type SchoolCalibration,
  type Setup,
  modelScale,
  setups,
  shiftToPassRate,
} from './at-risk-model';

/**
 * How the at-risk model has done at one school: the predictions it showed during the last
 * academic year that has ended, held against that year's final grades (each student's result
 * in the year's last term, at or above the pass mark). From the same pairs comes the school's
 * calibration: the shift of the current model's log-odds that makes its mean probability of
 * passing over last year's students, as it reads them now, equal the share that passed.
 */

export interface SetupTrackRecord {
  /** Predictions judged: students predicted at this setup who have a final grade. */
  readonly n: number;
  /** Share predicted right (risk ≥ 0.5 for a student who failed, below for one who passed). */
  readonly accuracy: number;
  readonly brier: number;
  /** Mean predicted risk, and the share that failed. */
  readonly predictedFailRate: number;
  readonly observedFailRate: number;
}

export interface TrackRecord {
  readonly academicYear: string;
  readonly measuredAt: string;
  readonly modelVersion: string;
  /** Students of that year with a final grade, and the share of them who passed. */
  readonly students: number;
  readonly passRate: number | null;
  readonly bySetup: Readonly<Partial<Record<Setup, SetupTrackRecord>>>;
  readonly calibration: SchoolCalibration;
}

/** Log-odds of passing under the current model, in SQL, from a prediction's stored inputs (`p`). */
const currentLogOdds = `(m.value->>'slope')::float8 * ((m.value->'weights'->>0)::float8 - (m.value->>'boundary')::float8
     + (SELECT coalesce(sum((p.inputs->>f)::float8 * CASE WHEN f IN ('term1', 'term2') THEN :scaleMax ELSE 1 END
                            * (m.value->'weights'->>(i::int))::float8), 0)
          FROM jsonb_array_elements_text(m.value->'features') WITH ORDINALITY AS x(f, i)))`;

/**
 * One read: the last academic year that has ended, its students' final grades, and the
 * predictions of that year judged against them: figures per setup, and per setup the current
 * model's log-odds in tenths with how many students had each and how many of them passed.
 */
const trackRecordSql = `
WITH last_year AS (
  SELECT id, name FROM academic_years WHERE ends_on < current_date ORDER BY ends_on DESC LIMIT 1),
last_term AS (
  SELECT t.id FROM terms t JOIN last_year ON t.academic_year_id = last_year.id ORDER BY t.starts_on DESC LIMIT 1),
outcomes AS MATERIALIZED (
  SELECT student_id, avg(result) >= (SELECT pass_mark / 100.0 FROM school_settings) AS passed
    FROM (SELECT sc.student_id, a.subject_id, sum(sc.score / a.max_score * a.weight) / sum(a.weight) AS result
            FROM scores sc JOIN assessments a ON a.id = sc.assessment_id
           WHERE a.term_id = (SELECT id FROM last_term)
           GROUP BY sc.student_id, a.subject_id) per_subject
   GROUP BY student_id),
judged AS MATERIALIZED (
  SELECT p.setup, p.risk::float8 AS risk, o.passed, ${currentLogOdds} AS z
    FROM risk_predictions p
    JOIN outcomes o ON o.student_id = p.student_id
    JOIN jsonb_each(:model::jsonb) m ON m.key = p.setup
   WHERE p.academic_year_id = (SELECT id FROM last_year)),
figures AS (
  SELECT setup, jsonb_build_object(
           'n', count(*),
           'accuracy', round(avg(((risk >= 0.5) = NOT passed)::int), 4),
           'brier', round(avg((risk - (NOT passed)::int) ^ 2)::numeric, 4),
           'predictedFailRate', round(avg(risk)::numeric, 4),
           'observedFailRate', round(avg((NOT passed)::int), 4)) AS f
    FROM judged GROUP BY setup),
bins AS (
  SELECT setup, jsonb_agg(jsonb_build_array(z, n, passed) ORDER BY z) AS b
    FROM (SELECT setup, round(z::numeric, 1)::float8 AS z, count(*)::int AS n, count(*) FILTER (WHERE passed)::int AS passed
            FROM judged GROUP BY setup, round(z::numeric, 1)) per_bin
   GROUP BY setup)
SELECT ly.id AS "academicYearId", ly.name AS "academicYear",
       (SELECT count(*)::int FROM outcomes) AS students,
       (SELECT round(avg(passed::int), 4)::float8 FROM outcomes) AS "passRate",
       coalesce((SELECT jsonb_object_agg(setup, f) FROM figures), '{}')::text AS "bySetup",
       coalesce((SELECT jsonb_object_agg(setup, b) FROM bins), '{}')::text AS bins
  FROM last_year ly`;

interface TrackRecordRow {
  academicYearId: string;
  academicYear: string;
  students: number;
  passRate: number | null;
  bySetup: string;
  bins: string;
}

/** The shift per setup with enough predictions judged: last year's pass rate over the current model's odds. */
export function calibrationFromBins(
  bins: Readonly<Partial<Record<Setup, [number, number, number][]>>>,
): SchoolCalibration {
  const calibration: Partial<Record<Setup, number>> = {};
  for (const setup of setups) {
    const setupBins = bins[setup] ?? [];
    const n = setupBins.reduce((sum, [, count]) => sum + count, 0);
    if (n < minimumJudged) continue;
    const passed = setupBins.reduce((sum, [, , p]) => sum + p, 0);
    const shift = shiftToPassRate(
      setupBins.map(([z]) => z),
      setupBins.map(([, count]) => count),
      passed / n,
    );
    calibration[setup] = Math.round(shift * 1000) / 1000;
  }
  return calibration;
}

/**
 * Measures the model at the school and keeps what it found for every scoring after it: one
 * read, one write (an upsert by academic year, so measuring again replaces it). Undefined
 * when no academic year has ended yet: the school cannot yet tell.
 */
export async function measureTrackRecord(db: DataApiSession, model: AtRiskModel): Promise<TrackRecord | undefined> {
  const [row] = await db.query<TrackRecordRow>(trackRecordSql, {
    model: typed.json(model.setups),
    scaleMax: modelScale.max,
  });
  if (!row) return undefined;
  const bySetup = jsonColumn<TrackRecord['bySetup']>(row.bySetup);
  const calibration = calibrationFromBins(jsonColumn<Partial<Record<Setup, [number, number, number][]>>>(row.bins));
  const [kept] = await db.query<{ measuredAt: string }>(
    `INSERT INTO model_track_record (academic_year_id, model_version, students, pass_rate, by_setup, calibration)
     VALUES (:academicYearId, :modelVersion, :students, :passRate, :bySetup::jsonb, :calibration::jsonb)
     ON CONFLICT (academic_year_id) DO UPDATE SET
       measured_at = now(), model_version = excluded.model_version, students = excluded.students,
       pass_rate = excluded.pass_rate, by_setup = excluded.by_setup, calibration = excluded.calibration
     RETURNING measured_at::text AS "measuredAt"`,
    {
      academicYearId: typed.uuid(row.academicYearId),
      modelVersion: model.version,
      students: row.students,
      passRate: row.passRate,
      bySetup: typed.json(bySetup),
      calibration: typed.json(calibration),
    },
  );
  return {
    academicYear: row.academicYear,
    measuredAt: kept!.measuredAt,
    modelVersion: model.version,
    students: row.students,
    passRate: row.passRate,
    bySetup,
    calibration,
  };
}

/**
 * SQL (a scalar subquery) for the calibration the latest measurement holds for a model
 * version (`:modelVersion`): '{}' where there is none, or it was for another version.
 */
export const currentCalibrationSql = `coalesce((SELECT calibration FROM model_track_record
     WHERE model_version = :modelVersion ORDER BY measured_at DESC LIMIT 1), '{}')`;
