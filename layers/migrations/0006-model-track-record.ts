import type { Migration } from './migration';

/**
 * How the at-risk model does at this school. Each scoring keeps, per academic year, student
 * and setup, the latest prediction it showed and the inputs it read (`risk_predictions`), so
 * that once the year's final grades exist the predictions can be held against them. The
 * scoring run measures that for the last year that has ended (`model_track_record`): how
 * often the predictions were right, their Brier score, and the shift of the log-odds that
 * calibrates the current model to this school, which every scoring after it applies.
 */
export const modelTrackRecord: Migration = {
  version: 6,
  name: 'model track record',
  statements: [
    `CREATE TABLE risk_predictions (
      academic_year_id uuid NOT NULL REFERENCES academic_years (id),
      student_id uuid NOT NULL REFERENCES students (id),
      setup char(1) NOT NULL CHECK (setup IN ('A', 'B', 'C')),
      -- What the model read, on its own scale: term grades as fractions, failures, absences over a year.
      inputs jsonb NOT NULL,
      risk numeric(5, 4) NOT NULL CHECK (risk BETWEEN 0 AND 1),
      model_version text NOT NULL,
      data_as_of timestamptz NOT NULL,
      PRIMARY KEY (academic_year_id, student_id, setup)
    )`,
    `CREATE TABLE model_track_record (
      academic_year_id uuid PRIMARY KEY REFERENCES academic_years (id),
      measured_at timestamptz NOT NULL DEFAULT now(),
      -- The model whose calibration it holds: another version is not calibrated by it.
      model_version text NOT NULL,
      students integer NOT NULL CHECK (students >= 0),
      pass_rate numeric(5, 4) CHECK (pass_rate BETWEEN 0 AND 1),
      -- Per setup: predictions judged, share right, Brier score, predicted and observed failure rates.
      by_setup jsonb NOT NULL DEFAULT '{}',
      -- Per setup with enough predictions judged: the log-odds shift for model_version.
      calibration jsonb NOT NULL DEFAULT '{}'
    )`,
    `CREATE INDEX model_track_record_measured ON model_track_record (measured_at DESC)`,
  ],
};
